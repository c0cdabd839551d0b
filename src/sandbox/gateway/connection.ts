import type { WebSocket as WsSocket, RawData } from 'ws';
import { ApplicationFlag, Intent } from '../../discord/types.js';
import { GatewayCloseCode, GatewayOpcode, isResumableCloseCode } from '../../discord/gateway-protocol.js';
import type { GatewayBotIdentity, GatewayOptions } from './server.js';
import type { GatewaySession } from './session.js';

/**
 * One WebSocket connection to the sandbox gateway: HELLO, the heartbeat watchdog, IDENTIFY /
 * RESUME and the per-connection rules of https://discord.com/developers/docs/events/gateway.
 * Sessions (and what survives a disconnect) live in GatewaySession; the hub owns both.
 */
export interface GatewayContext {
  readonly options: GatewayOptions;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  /** Sessions by id, connected or waiting to be resumed. */
  readonly sessions: Map<string, GatewaySession>;
  /** `resume_gateway_url` for READY. */
  resumeGatewayUrl(): string;
  createSession(bot: GatewayBotIdentity, intents: number, shard: readonly [number, number]): GatewaySession;
  /** The connection is gone but the session stays resumable for a while. */
  parkSession(session: GatewaySession): void;
  endSession(session: GatewaySession): void;
  onConnectionClosed(connection: GatewayConnection): void;
}

/** "Event payloads … must not exceed 4096 bytes" (close 4002 otherwise). */
const MAX_CLIENT_PAYLOAD_BYTES = 4096;
/** "120 gateway events per connection every 60 seconds" (heartbeats are not counted here). */
const RATE_LIMIT_EVENTS = 120;
const RATE_LIMIT_WINDOW_MS = 60_000;

/** Every intent bit Discord documents (https://discord.com/developers/docs/events/gateway#list-of-intents). */
const KNOWN_INTENTS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 21, 24, 25].reduce(
  (mask, bit) => mask | 2 ** bit,
  0,
);

/** Opcodes a client may send; anything else closes with 4001. */
const SEND_OPCODES: ReadonlySet<number> = new Set([
  GatewayOpcode.HEARTBEAT,
  GatewayOpcode.IDENTIFY,
  GatewayOpcode.PRESENCE_UPDATE,
  GatewayOpcode.VOICE_STATE_UPDATE,
  GatewayOpcode.RESUME,
  GatewayOpcode.REQUEST_GUILD_MEMBERS,
  GatewayOpcode.REQUEST_SOUNDBOARD_SOUNDS,
]);

interface Payload {
  op: number;
  d: unknown;
}

export class GatewayConnection {
  session: GatewaySession | null = null;
  /** Test hook: this many heartbeats go unacknowledged (a zombied connection, seen from the client). */
  ackSkips = 0;
  private closing = false;
  private readonly watchdog: NodeJS.Timeout;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private windowStart = Date.now();
  private windowCount = 0;

  constructor(
    private readonly ws: WsSocket,
    private readonly ctx: GatewayContext,
    private readonly apiVersion: number,
  ) {
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('error', () => {
      // ws reports protocol violations here and closes the socket itself; never crash.
    });
    ws.on('close', (code) => this.onSocketClosed(code));
    // A client that stops heartbeating is dropped (first beat may come a full interval late).
    this.watchdog = setTimeout(() => this.onHeartbeatTimeout(), ctx.heartbeatTimeoutMs);
    this.watchdog.unref();
    this.sendPayload({ op: GatewayOpcode.HELLO, d: { heartbeat_interval: ctx.heartbeatIntervalMs } });
  }

  get identified(): boolean {
    return this.session !== null;
  }

  /** The identified bot's user id, else null. */
  get botUserId(): string | null {
    return this.session?.bot.user.id ?? null;
  }

  get isOpen(): boolean {
    return !this.closing && this.ws.readyState === this.ws.OPEN;
  }

  sendPayload(payload: { op: number; d: unknown }): void {
    this.sendFrame(JSON.stringify({ op: payload.op, d: payload.d, s: null, t: null }));
  }

  sendFrame(frame: string): boolean {
    if (!this.isOpen) return false;
    this.ws.send(frame);
    return true;
  }

  /** Op 7: the client should reconnect and resume; Discord closes the socket a few seconds later. */
  requestReconnect(graceMs: number): void {
    if (!this.isOpen) return;
    this.sendPayload({ op: GatewayOpcode.RECONNECT, d: null });
    this.reconnectTimer ??= setTimeout(() => this.close(GatewayCloseCode.UNKNOWN_ERROR, 'Reconnect requested.'), graceMs);
    this.reconnectTimer.unref();
  }

  /** Op 9. A resumable invalidation parks the session so RESUME (on this socket or a new one) finds it. */
  invalidateSession(resumable: boolean): void {
    const session = this.session;
    if (!session || !this.isOpen) return;
    this.sendPayload({ op: GatewayOpcode.INVALID_SESSION, d: resumable });
    this.detachSession();
    if (resumable) this.ctx.parkSession(session);
    else this.ctx.endSession(session);
  }

  /**
   * Closes with `code`. The session is detached at once (later dispatches are only buffered)
   * and stays resumable unless the code ends it, as the close-code table says.
   */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.releaseSession(code);
    this.clearTimers();
    try {
      if (code === 1006) this.ws.terminate();
      else this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
  }

  /** Drops the TCP connection without a close handshake (sessions stay resumable, as on a network failure). */
  forceTerminate(): void {
    this.close(1006, '');
    this.ws.terminate();
  }

  private onSocketClosed(code: number): void {
    this.clearTimers();
    if (!this.closing) {
      this.closing = true;
      this.releaseSession(code);
    }
    this.ctx.onConnectionClosed(this);
  }

  private releaseSession(code: number): void {
    const session = this.session;
    if (!session) return;
    this.detachSession();
    if (isResumableCloseCode(code)) this.ctx.parkSession(session);
    else this.ctx.endSession(session);
  }

  private detachSession(): void {
    if (this.session && this.session.sink === this) this.session.sink = null;
    this.session = null;
  }

  private clearTimers(): void {
    clearTimeout(this.watchdog);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private onHeartbeatTimeout(): void {
    // Before IDENTIFY there is no session to resume: 4009 Session timed out. Afterwards the
    // client "will be forced to Resume", so the close code keeps the session resumable.
    if (this.identified) this.close(GatewayCloseCode.UNKNOWN_ERROR, 'Heartbeat timed out.');
    else this.close(GatewayCloseCode.SESSION_TIMED_OUT, 'Session timed out.');
  }

  private onFrame(data: RawData, _isBinary: boolean): void {
    if (this.closing) return;
    try {
      const payload = this.decode(data);
      if (payload) this.handle(payload);
    } catch {
      // A bug in a handler must not take the sandbox down; drop this connection instead.
      this.close(GatewayCloseCode.UNKNOWN_ERROR, 'Unknown error.');
    }
  }

  private decode(data: RawData): Payload | null {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (bytes.length > MAX_CLIENT_PAYLOAD_BYTES) {
      this.close(GatewayCloseCode.DECODE_ERROR, 'Error while decoding payload.');
      return null;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      this.close(GatewayCloseCode.DECODE_ERROR, 'Error while decoding payload.');
      return null;
    }
    if (!isObject(parsed)) {
      this.close(GatewayCloseCode.DECODE_ERROR, 'Error while decoding payload.');
      return null;
    }
    const { op, d } = parsed as { op?: unknown; d?: unknown };
    if (typeof op !== 'number' || !SEND_OPCODES.has(op)) {
      this.close(GatewayCloseCode.UNKNOWN_OPCODE, 'Unknown opcode.');
      return null;
    }
    return { op, d };
  }

  private handle(payload: Payload): void {
    if (payload.op === GatewayOpcode.HEARTBEAT) {
      this.onHeartbeat(payload.d);
      return;
    }
    if (!this.countTowardsRateLimit()) return;
    switch (payload.op) {
      case GatewayOpcode.IDENTIFY:
        this.onIdentify(payload.d);
        return;
      case GatewayOpcode.RESUME:
        this.onResume(payload.d);
        return;
      default:
        // Presence, voice state, member and soundboard requests: accepted once identified, not modelled.
        if (!this.identified) this.close(GatewayCloseCode.NOT_AUTHENTICATED, 'Not authenticated.');
    }
  }

  private countTowardsRateLimit(): boolean {
    const now = Date.now();
    if (now - this.windowStart >= RATE_LIMIT_WINDOW_MS) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    if (this.windowCount > RATE_LIMIT_EVENTS) {
      this.close(GatewayCloseCode.RATE_LIMITED, 'You are being rate limited.');
      return false;
    }
    return true;
  }

  private onHeartbeat(d: unknown): void {
    if (d !== null && d !== undefined && !(typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
      this.close(GatewayCloseCode.UNKNOWN_OPCODE, 'Invalid heartbeat payload.');
      return;
    }
    this.watchdog.refresh();
    if (this.ackSkips > 0) {
      this.ackSkips -= 1;
      return;
    }
    this.sendPayload({ op: GatewayOpcode.HEARTBEAT_ACK, d: null });
  }

  private onIdentify(d: unknown): void {
    if (this.identified) {
      this.close(GatewayCloseCode.ALREADY_AUTHENTICATED, 'Already authenticated.');
      return;
    }
    if (!isObject(d)) {
      this.close(GatewayCloseCode.UNKNOWN_OPCODE, 'Invalid identify payload.');
      return;
    }
    const body = d as { token?: unknown; intents?: unknown; shard?: unknown };
    const bot = typeof body.token === 'string' ? this.ctx.options.authenticate(stripBotPrefix(body.token)) : null;
    if (!bot) {
      this.close(GatewayCloseCode.AUTHENTICATION_FAILED, 'Authentication failed.');
      return;
    }
    const intents = body.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0 || (intents & ~KNOWN_INTENTS) !== 0) {
      this.close(GatewayCloseCode.INVALID_INTENTS, 'Invalid intent(s).');
      return;
    }
    if ((intents & Intent.MESSAGE_CONTENT) !== 0 && !bot.messageContentAllowed) {
      this.close(GatewayCloseCode.DISALLOWED_INTENTS, 'Disallowed intent(s).');
      return;
    }
    const shard = parseShard(body.shard);
    if (!shard) {
      this.close(GatewayCloseCode.INVALID_SHARD, 'Invalid shard.');
      return;
    }
    const refused = this.ctx.options.refuseShard?.(bot.user.id, shard);
    if (refused) {
      this.close(refused.code, refused.reason);
      return;
    }
    if (this.ctx.options.mayIdentify && !this.ctx.options.mayIdentify(bot.user.id, shard[0])) {
      // Over max_concurrency: "the Gateway will respond with an Invalid Session (opcode 9)".
      this.sendPayload({ op: GatewayOpcode.INVALID_SESSION, d: false });
      return;
    }
    if (this.ctx.options.startSession && !this.ctx.options.startSession(bot.user.id)) {
      this.close(GatewayCloseCode.AUTHENTICATION_FAILED, 'Session start limit exceeded; the token was reset.');
      return;
    }
    const session = this.ctx.createSession(bot, intents, shard);
    this.attach(session);
    this.sendReady(session, body.shard !== undefined);
  }

  private sendReady(session: GatewaySession, echoShard: boolean): void {
    const { options } = this.ctx;
    const guilds = options
      .guildsFor(session.bot.user.id)
      .filter((guild) => session.handlesGuild(guild.id));
    session.dispatch('READY', {
      v: this.apiVersion,
      user: session.bot.user,
      guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.ctx.resumeGatewayUrl(),
      ...(echoShard ? { shard: [...session.shard] } : {}),
      application: {
        id: session.bot.applicationId ?? session.bot.user.id,
        flags: session.bot.messageContentAllowed ? ApplicationFlag.GATEWAY_MESSAGE_CONTENT_LIMITED : 0,
      },
      session_type: 'normal',
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      _trace: ['["cordform-sandbox-gateway",{}]'],
    });
    // Guilds start unavailable in READY and are backfilled by GUILD_CREATE (GUILDS intent).
    if (!session.has(Intent.GUILDS)) return;
    const joinedAt = new Date().toISOString();
    for (const guild of guilds) session.dispatch('GUILD_CREATE', guildCreatePayload(guild, joinedAt));
  }

  private onResume(d: unknown): void {
    if (this.identified) {
      this.close(GatewayCloseCode.ALREADY_AUTHENTICATED, 'Already authenticated.');
      return;
    }
    if (!isObject(d)) {
      this.close(GatewayCloseCode.UNKNOWN_OPCODE, 'Invalid resume payload.');
      return;
    }
    const body = d as { token?: unknown; session_id?: unknown; seq?: unknown };
    const bot = typeof body.token === 'string' ? this.ctx.options.authenticate(stripBotPrefix(body.token)) : null;
    if (!bot) {
      this.close(GatewayCloseCode.AUTHENTICATION_FAILED, 'Authentication failed.');
      return;
    }
    const session = typeof body.session_id === 'string' ? this.ctx.sessions.get(body.session_id) : undefined;
    if (!session || session.bot.user.id !== bot.user.id) {
      this.sendPayload({ op: GatewayOpcode.INVALID_SESSION, d: false });
      return;
    }
    const seq = body.seq === null || body.seq === undefined ? 0 : body.seq;
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0 || seq > session.seq) {
      this.ctx.endSession(session);
      this.close(GatewayCloseCode.INVALID_SEQ, 'Invalid seq.');
      return;
    }
    const frames = session.framesAfter(seq);
    if (!frames) {
      // Too much happened while away: the buffer cannot replay it all.
      this.ctx.endSession(session);
      this.sendPayload({ op: GatewayOpcode.INVALID_SESSION, d: false });
      return;
    }
    const previous = session.sink;
    if (previous instanceof GatewayConnection && previous !== this) {
      // The old socket may be a zombie the client gave up on: it no longer speaks for the session.
      previous.detachSession();
      previous.close(GatewayCloseCode.UNKNOWN_ERROR, 'Session resumed on another connection.');
    }
    this.attach(session);
    for (const frame of frames) this.sendFrame(frame);
    session.dispatch('RESUMED', { _trace: ['["cordform-sandbox-gateway",{}]'] }, false);
  }

  private attach(session: GatewaySession): void {
    if (session.expiryTimer) clearTimeout(session.expiryTimer);
    session.expiryTimer = null;
    session.sink = this;
    this.session = session;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Libraries send the raw token in IDENTIFY; tolerate a `Bot ` prefix as Discord does. */
function stripBotPrefix(token: string): string {
  return token.startsWith('Bot ') ? token.slice(4) : token;
}

function parseShard(shard: unknown): readonly [number, number] | null {
  if (shard === undefined || shard === null) return [0, 1];
  if (!Array.isArray(shard) || shard.length !== 2) return null;
  const [id, count] = shard as unknown[];
  if (typeof id !== 'number' || typeof count !== 'number') return null;
  if (!Number.isInteger(id) || !Number.isInteger(count) || count < 1 || id < 0 || id >= count) return null;
  return [id, count];
}

/** GUILD_CREATE is the guild object plus the gateway-only fields discord.js and others expect. */
function guildCreatePayload(guild: Record<string, unknown> & { id: string }, joinedAt: string): Record<string, unknown> {
  const members = Array.isArray(guild.members) ? guild.members : [];
  return {
    joined_at: joinedAt,
    large: false,
    member_count: members.length,
    voice_states: [],
    members,
    channels: [],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    roles: [],
    emojis: [],
    stickers: [],
    features: [],
    ...guild,
    unavailable: false,
  };
}
