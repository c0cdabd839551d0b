import type { Server } from 'node:http';
import type { APIMessage, APIUser } from '../discord/types.js';

/**
 * The sandbox's gateway (Discord's WebSocket API, v10, JSON encoding), served by `ws` on
 * the sandbox's HTTP server at GATEWAY_PATH. CONTRACT between the sandbox REST server
 * (server.ts wires it) and this module.
 */
export const GATEWAY_PATH = '/gateway';

export interface GatewayBotIdentity {
  user: APIUser;
  /** False when the seed does not allow the privileged MESSAGE_CONTENT intent (→ close 4014). */
  messageContentAllowed: boolean;
}

export interface GatewayOptions {
  server: Server;
  /** Token from IDENTIFY/RESUME → the bot, or null (→ close 4004). */
  authenticate(token: string): GatewayBotIdentity | null;
  /** Full guild objects (with `channels`) the bot is in, for READY + GUILD_CREATE. */
  guildsFor(botUserId: string): Array<Record<string, unknown> & { id: string }>;
  /** ws://HOST:PORT — the base for `resume_gateway_url`. */
  publicUrl(): string;
  /** Default 41250 ms, as Discord; tests use less. */
  heartbeatIntervalMs?: number;
}

export interface GatewayHub {
  /** Sends MESSAGE_CREATE to every connected bot that is in the guild and has GUILD_MESSAGES. */
  dispatchMessageCreate(message: APIMessage & { guild_id: string }): void;
  /** Admin/test hook: drop every connection (close code, default 4000 = resumable). */
  disconnectAll(code?: number): void;
  /** Admin/test hook: send op 7 RECONNECT to every session. */
  requestReconnect(): void;
  /** Admin/test hook: send op 9 INVALID_SESSION (d = resumable) to every session. */
  invalidateSessions(resumable: boolean): void;
  close(): Promise<void>;
}

export function attachGateway(_options: GatewayOptions): GatewayHub {
  // PLACEHOLDER (no-op hub): replaced by the gateway implementation; keeps the contract usable.
  return {
    dispatchMessageCreate: () => {},
    disconnectAll: () => {},
    requestReconnect: () => {},
    invalidateSessions: () => {},
    close: async () => {},
  };
}
