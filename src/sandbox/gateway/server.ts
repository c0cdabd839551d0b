import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { APIMessage, APIUser } from '../../discord/types.js';
import { Intent } from '../../discord/types.js';
import { GatewayCloseCode, GatewayOpcode } from '../../discord/gateway-protocol.js';
import { GatewayConnection, type GatewayContext } from './connection.js';
import { GatewaySession, messageForSession } from './session.js';
import { parseRequestTarget } from '../http/io.js';

/**
 * The sandbox's gateway (Discord's WebSocket API, v10, JSON encoding), served by `ws` on
 * the sandbox's HTTP server at GATEWAY_PATH. CONTRACT between the sandbox REST server
 * (server.ts wires it) and this module.
 *
 * Protocol: https://discord.com/developers/docs/events/gateway and
 * https://discord.com/developers/docs/events/gateway-events. Per-connection rules live in
 * gateway-connection.ts, sessions and their resume buffers in gateway-session.ts.
 */
export const GATEWAY_PATH = '/gateway';

export interface GatewayBotIdentity {
  user: APIUser;
  /** False when the seed does not allow the privileged MESSAGE_CONTENT intent (→ close 4014). */
  messageContentAllowed: boolean;
  /** READY's `application.id`; defaults to the bot user's id (true for every modern app). */
  applicationId?: string;
}

export interface GatewayOptions {
  server: Server;
  /** Token from IDENTIFY/RESUME → the bot, or null (→ close 4004). */
  authenticate(token: string): GatewayBotIdentity | null;
  /** Full guild objects (with `channels`) the bot is in, for READY + GUILD_CREATE. */
  guildsFor(botUserId: string): Array<Record<string, unknown> & { id: string }>;
  /** Cheap membership test for dispatch (default: search `guildsFor`, which builds full guild objects). */
  isMember?(botUserId: string, guildId: string): boolean;
  /** ws://HOST:PORT — the base for `resume_gateway_url`. */
  publicUrl(): string;
  /**
   * Counts one IDENTIFY against the bot's session start limit; false when it is used up, in
   * which case the IDENTIFY is refused with 4004 (the caller resets the token, as Discord does).
   */
  startSession?(botUserId: string): boolean;
  /** 4010/4011 (with the close reason) when the bot may not identify with this shard; null when it may. */
  refuseShard?(botUserId: string, shard: readonly [number, number]): { code: number; reason: string } | null;
  /** False when another IDENTIFY of the same rate-limit key came too recently (→ op 9, nothing counted). */
  mayIdentify?(botUserId: string, shardId: number): boolean;
  /** Default 41250 ms, as Discord; tests use less. */
  heartbeatIntervalMs?: number;
  /** A connection with no heartbeat for this long is closed. Default max(1.5 × interval, interval + 500 ms). */
  heartbeatTimeoutMs?: number;
  /** How long a disconnected session stays resumable. Default 3 minutes. */
  resumeWindowMs?: number;
  /** Dispatches kept per session for RESUME replay. Default 1000. */
  resumeBufferSize?: number;
  /** After op 7, the connection is closed (resumably) this much later if the client has not. Default 5000 ms. */
  reconnectGraceMs?: number;
}

interface GatewayStats {
  /** Open WebSocket connections, identified or not. */
  connections: number;
  /** Sessions that are connected or still resumable. */
  sessions: number;
  /** Connections that completed IDENTIFY or RESUME. */
  identified: number;
}

export interface GatewayHub {
  /** Sends MESSAGE_CREATE to every connected bot that is in the guild and has GUILD_MESSAGES. */
  dispatchMessageCreate(message: APIMessage & { guild_id: string }): void;
  /** MESSAGE_UPDATE with the whole edited message, to the same sessions as MESSAGE_CREATE. */
  dispatchMessageUpdate(message: APIMessage & { guild_id: string }): void;
  /** MESSAGE_DELETE (`id`, `channel_id`, `guild_id`), to the same sessions as MESSAGE_CREATE. */
  dispatchMessageDelete(deleted: { id: string; channel_id: string; guild_id: string }): void;
  /**
   * Any guild event: to every session whose bot is in the guild, whose shard handles it and
   * that has `intent` (0 = no intent needed); `onlyBot` narrows it to one bot's sessions.
   */
  dispatchGuildEvent(t: string, guildId: string, intent: number, payload: (session: GatewaySession) => unknown, onlyBot?: string): number;
  /** Admin/test hook: drop every connection (close code, default 4000 = resumable; 1006 = drop TCP). */
  disconnectAll(code?: number): void;
  /** Closes every connection of one bot with `code` (4004 ends the sessions: not resumable). */
  disconnectBot(botUserId: string, code: number, reason: string): void;
  /** Admin/test hook: send op 7 RECONNECT to every session. */
  requestReconnect(): void;
  /** Admin/test hook: send op 9 INVALID_SESSION (d = resumable) to every session. */
  invalidateSessions(resumable: boolean): void;
  /** Admin/test hook: send op 1 HEARTBEAT (a heartbeat request) to every connection. */
  requestHeartbeat(): void;
  /** Admin/test hook: the next `count` heartbeats on each open connection get no ACK (zombie simulation). */
  skipHeartbeatAcks(count?: number): void;
  /** Fault-injection hook: send this exact text frame (garbage included) to every identified connection; returns how many got it. */
  sendRawFrame(frame: string): number;
  stats(): GatewayStats;
  close(): Promise<void>;
}

const DEFAULT_HEARTBEAT_INTERVAL_MS = 41_250;
const DEFAULT_RESUME_WINDOW_MS = 3 * 60_000;
const DEFAULT_RESUME_BUFFER_SIZE = 1000;
const DEFAULT_RECONNECT_GRACE_MS = 5000;
const SUPPORTED_API_VERSIONS: ReadonlySet<string> = new Set(['9', '10']);

export function attachGateway(options: GatewayOptions): GatewayHub {
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  const heartbeatTimeoutMs =
    options.heartbeatTimeoutMs ?? Math.max(Math.round(heartbeatIntervalMs * 1.5), heartbeatIntervalMs + 500);
  const resumeWindowMs = options.resumeWindowMs ?? DEFAULT_RESUME_WINDOW_MS;
  const bufferSize = options.resumeBufferSize ?? DEFAULT_RESUME_BUFFER_SIZE;
  const reconnectGraceMs = options.reconnectGraceMs ?? DEFAULT_RECONNECT_GRACE_MS;

  const sessions = new Map<string, GatewaySession>();
  const connections = new Set<GatewayConnection>();
  // Large enough that an oversized payload reaches our own 4002 check instead of ws's 1009.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  let closed = false;

  const endSession = (session: GatewaySession): void => {
    if (session.expiryTimer) clearTimeout(session.expiryTimer);
    session.expiryTimer = null;
    session.sink = null;
    sessions.delete(session.id);
  };

  const ctx: GatewayContext = {
    options,
    heartbeatIntervalMs,
    heartbeatTimeoutMs,
    sessions,
    resumeGatewayUrl: () => options.publicUrl() + GATEWAY_PATH,
    createSession: (bot, intents, shard) => {
      const session = new GatewaySession(bot, intents, shard, bufferSize);
      sessions.set(session.id, session);
      return session;
    },
    parkSession: (session) => {
      if (!sessions.has(session.id)) return;
      if (session.expiryTimer) clearTimeout(session.expiryTimer);
      session.expiryTimer = setTimeout(() => endSession(session), resumeWindowMs);
      session.expiryTimer.unref();
    },
    endSession,
    onConnectionClosed: (connection) => {
      connections.delete(connection);
    },
  };

  wss.on('connection', (ws, request: IncomingMessage) => {
    const query = parseRequestTarget(request.url)?.searchParams ?? new URLSearchParams();
    const version = query.get('v');
    const encoding = query.get('encoding');
    const connection = new GatewayConnection(ws, ctx, version === '9' ? 9 : 10);
    connections.add(connection);
    // `compress=zlib-stream` is not offered; frames are plain JSON text, which clients accept.
    if (version !== null && !SUPPORTED_API_VERSIONS.has(version)) {
      connection.close(GatewayCloseCode.INVALID_API_VERSION, 'Invalid API version.');
    } else if (encoding !== null && encoding !== 'json') {
      connection.close(GatewayCloseCode.DECODE_ERROR, 'Only encoding=json is supported.');
    }
  });
  wss.on('error', () => {
    // Per-socket errors are handled on the connection; never crash the sandbox.
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const pathname = parseRequestTarget(request.url)?.pathname;
    if (pathname !== GATEWAY_PATH && pathname !== `${GATEWAY_PATH}/`) {
      // Someone else may serve other upgrade paths; if nobody does, refuse instead of hanging.
      if (options.server.listenerCount('upgrade') === 1) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
      return;
    }
    if (closed) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.on('error', () => {});
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  options.server.on('upgrade', onUpgrade);

  const identifiedConnections = (): GatewayConnection[] => [...connections].filter((c) => c.identified && c.isOpen);

  /**
   * A guild event to every session with the intent whose bot is in the guild and whose shard
   * handles it (https://discord.com/developers/docs/events/gateway#list-of-intents); returns
   * how many sessions got it.
   */
  const dispatchGuildEvent = (
    t: string,
    guildId: string,
    intent: number,
    payload: (session: GatewaySession) => unknown,
    onlyBot?: string,
  ): number => {
    let count = 0;
    for (const session of [...sessions.values()]) {
      if (!session.has(intent) || !session.handlesGuild(guildId)) continue;
      if (onlyBot !== undefined && session.bot.user.id !== onlyBot) continue;
      const inGuild = options.isMember
        ? options.isMember(session.bot.user.id, guildId)
        : options.guildsFor(session.bot.user.id).some((guild) => guild.id === guildId);
      if (!inGuild) continue;
      // Buffered even while disconnected, so a RESUME replays it.
      session.dispatch(t, payload(session));
      count += 1;
    }
    return count;
  };
  const dispatchGuildMessageEvent = (t: string, guildId: string, payload: (session: GatewaySession) => unknown): void =>
    void dispatchGuildEvent(t, guildId, Intent.GUILD_MESSAGES, payload);

  return {
    dispatchMessageCreate(message) {
      dispatchGuildMessageEvent('MESSAGE_CREATE', message.guild_id, (session) => messageForSession(message, session));
    },
    dispatchMessageUpdate(message) {
      dispatchGuildMessageEvent('MESSAGE_UPDATE', message.guild_id, (session) => messageForSession(message, session));
    },
    dispatchMessageDelete(deleted) {
      const payload = { id: deleted.id, channel_id: deleted.channel_id, guild_id: deleted.guild_id };
      dispatchGuildMessageEvent('MESSAGE_DELETE', deleted.guild_id, () => payload);
    },
    dispatchGuildEvent,
    disconnectBot(botUserId, code, reason) {
      for (const connection of [...connections]) if (connection.botUserId === botUserId) connection.close(code, reason);
    },
    disconnectAll(code = GatewayCloseCode.UNKNOWN_ERROR) {
      for (const connection of [...connections]) connection.close(code, 'Disconnected by the sandbox.');
    },
    requestReconnect() {
      for (const connection of identifiedConnections()) connection.requestReconnect(reconnectGraceMs);
    },
    invalidateSessions(resumable) {
      for (const connection of identifiedConnections()) connection.invalidateSession(resumable);
      if (!resumable) for (const session of [...sessions.values()]) endSession(session);
    },
    requestHeartbeat() {
      for (const connection of connections) connection.sendPayload({ op: GatewayOpcode.HEARTBEAT, d: null });
    },
    skipHeartbeatAcks(count = 1) {
      for (const connection of connections) connection.ackSkips += count;
    },
    sendRawFrame(frame) {
      return identifiedConnections().filter((connection) => connection.sendFrame(frame)).length;
    },
    stats() {
      return { connections: connections.size, sessions: sessions.size, identified: identifiedConnections().length };
    },
    async close() {
      if (closed) return;
      closed = true;
      options.server.off('upgrade', onUpgrade);
      const open = [...connections];
      for (const connection of open) connection.close(1001, 'Gateway shutting down.');
      // Give close handshakes a moment, then drop whatever did not answer.
      const deadline = Date.now() + 500;
      while (connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const connection of [...connections]) connection.forceTerminate();
      for (const session of [...sessions.values()]) endSession(session);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
