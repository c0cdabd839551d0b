import type { DiscordApi } from './api.js';

/**
 * CONTRACT for the runtime's gateway connection (Discord Gateway v10, JSON, undici's
 * WebSocket). The implementation replaces the placeholder body below.
 */
export interface GatewayDispatch {
  /** Event name, e.g. MESSAGE_CREATE. */
  t: string;
  /** Sequence number. */
  s: number;
  d: unknown;
}

export interface GatewayClientOptions {
  token: string;
  /** Bitfield of Intent values. */
  intents: number;
  api: Pick<DiscordApi, 'getGatewayBot'>;
  /** Called once per dispatch, never twice for the same sequence across resumes. */
  onDispatch(dispatch: GatewayDispatch): void;
  /** Structured log sink (never receives the token). */
  log?(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
}

export interface GatewayStatus {
  ready: boolean;
  sessionId: string | null;
  sequence: number | null;
  resumes: number;
  reconnects: number;
}

export class GatewayClient {
  constructor(readonly options: GatewayClientOptions) {}

  /** Connects, identifies and resolves on READY; rejects on a fatal close (4004/4013/4014). */
  async start(): Promise<void> {
    // PLACEHOLDER: replaced by the gateway client implementation.
    throw new Error('gateway client not built yet');
  }

  /** Closes with 1000 (session ends) and stops reconnecting. */
  async stop(): Promise<void> {}

  status(): GatewayStatus {
    return { ready: false, sessionId: null, sequence: null, resumes: 0, reconnects: 0 };
  }

  /** Resolves when the client stops for good; rejects with the fatal error if any. */
  closed(): Promise<void> {
    return new Promise(() => {});
  }
}
