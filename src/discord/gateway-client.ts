import { WebSocket } from 'undici';
import type { DiscordApi } from './api.js';
import type { IdentifyTicket } from './identify-gate.js';
import { SessionStartBudget } from './session-start-budget.js';
import type { APIGatewayBotInfo } from './types.js';
import { CordformError } from '../errors.js';
import {
  fatalCloseError,
  gatewayConnectUrl,
  GatewayOpcode,
  isFatalCloseCode,
  isResumableCloseCode,
} from './gateway-protocol.js';

/**
 * The runtime's gateway connection: Discord Gateway v10, JSON encoding, undici's WebSocket.
 *
 * Lifecycle (https://discord.com/developers/docs/events/gateway#connection-lifecycle):
 * GET /gateway/bot → connect → HELLO → heartbeat (first beat after interval × jitter) →
 * IDENTIFY → READY. Disconnects are resumed (RESUME on `resume_gateway_url`) when the close
 * code or opcode allows it, otherwise the client re-identifies; fatal close codes stop it.
 * Every dispatch reaches `onDispatch` exactly once and in order: sequence numbers already
 * delivered in the current session are dropped when a resume replays them.
 *
 * Sharded (https://discord.com/developers/docs/events/gateway#sharding): with `shard` the
 * IDENTIFY carries `[shard_id, num_shards]`, and with an `identifyGate` every IDENTIFY
 * waits for its rate-limit key's turn (identify-gate.ts); a shard manager that already has
 * GET /gateway/bot passes it (`gatewayBot`) and one session start budget for all its shards.
 */
export { fatalCloseError, gatewayConnectUrl, GatewayOpcode, isFatalCloseCode, isResumableCloseCode };

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
  /** Reconnect backoff: full jitter over min(maxDelayMs, baseDelayMs × 2^attempt). */
  reconnect?: { baseDelayMs?: number; maxDelayMs?: number; maxAttempts?: number };
  /** Wait before re-identifying after op 9 `d: false`; Discord asks for a random 1–5 s. */
  invalidSessionDelayMs?: { min: number; max: number };
  /** Source of randomness in [0, 1) for heartbeat and backoff jitter (tests pin it). */
  random?(): number;
  /** `properties` of IDENTIFY; defaults to the platform and "cordform". */
  properties?: { os: string; browser: string; device: string };
  /** `[shard_id, num_shards]` for IDENTIFY; absent = one connection for every guild. */
  shard?: readonly [number, number];
  /** Waits for this shard's turn before each IDENTIFY (max_concurrency). */
  identifyGate?: { acquire(shardId: number, signal?: AbortSignal): Promise<IdentifyTicket> };
  /** GET /gateway/bot already read by the caller: the first connect does not ask again. */
  gatewayBot?: APIGatewayBotInfo;
  /** A session start budget shared with the process's other shards (null: none enforced). */
  sessionStarts?: SessionStartBudget | null;
}

export interface GatewayStatus {
  ready: boolean;
  sessionId: string | null;
  sequence: number | null;
  resumes: number;
  reconnects: number;
}

const DEFAULT_BASE_DELAY_MS = 1000;
const DEFAULT_MAX_DELAY_MS = 60_000;
const DEFAULT_MAX_ATTEMPTS = 10;
/** Client-initiated close that keeps the session resumable (any code but 1000/1001). */
const CLOSE_FOR_RESUME = 4900;

type Mode = 'identify' | 'resume';

interface Connection {
  readonly socket: WebSocket;
  readonly mode: Mode;
  opened: boolean;
  acked: boolean;
  heartbeatTimer: NodeJS.Timeout | null;
  /** True once this connection has been replaced or closed by us: its events are ignored. */
  detached: boolean;
  /** This connection's IDENTIFY slot (identify-gate.ts), until IDENTIFY is sent. */
  ticket: IdentifyTicket | null;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  settled: boolean;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const d: Deferred<T> = {
    promise,
    settled: false,
    resolve: (value) => {
      if (d.settled) return;
      d.settled = true;
      resolve(value);
    },
    reject: (error) => {
      if (d.settled) return;
      d.settled = true;
      reject(error);
    },
  };
  // Nobody may be awaiting yet; the rejection still reaches whoever asks later.
  promise.catch(() => {});
  return d;
}

export class GatewayClient {
  private readonly random: () => number;
  private connection: Connection | null = null;
  private gatewayUrl: string | null = null;
  private resumeUrl: string | null = null;
  private sessionId: string | null = null;
  /** Last sequence delivered in the current session (dedupe key across resumes). */
  private sequence: number | null = null;
  private ready = false;
  private stopped = false;
  private started: Promise<void> | null = null;
  private readonly startDeferred = deferred<void>();
  private readonly closedDeferred = deferred<void>();
  private reconnectTimer: NodeJS.Timeout | null = null;
  /**
   * IDENTIFYs left in Discord's 24-hour session start window (GET /gateway/bot). Discord
   * resets the bot token when the limit is exceeded, so the client never identifies past it:
   * it waits for the window to reset instead (a crash-looping runtime must not cost the token).
   */
  private sessionStarts: SessionStartBudget | null = null;
  private failedAttempts = 0;
  private resumes = 0;
  private reconnects = 0;
  /** Aborts a wait for the identify gate when the client stops. */
  private readonly stopController = new AbortController();

  constructor(readonly options: GatewayClientOptions) {
    this.random = options.random ?? Math.random;
  }

  /** Connects, identifies and resolves on READY; rejects on a fatal close (4004/4013/4014). */
  start(): Promise<void> {
    if (!this.started) {
      this.started = this.begin();
    }
    return this.started;
  }

  /** Closes with 1000 (session ends) and stops reconnecting. */
  async stop(): Promise<void> {
    if (this.stopped) return this.closedDeferred.promise.catch(() => {});
    this.stopped = true;
    this.ready = false;
    this.clearReconnectTimer();
    this.stopController.abort();
    this.startDeferred.reject(new CordformError('gateway_stopped', 'The gateway client was stopped before it became ready.'));
    const connection = this.connection;
    this.connection = null;
    if (connection) await this.closeConnection(connection, 1000, 'client stopped', true);
    this.log('info', 'gateway stopped');
    this.closedDeferred.resolve();
  }

  status(): GatewayStatus {
    return {
      ready: this.ready,
      sessionId: this.sessionId,
      sequence: this.sequence,
      resumes: this.resumes,
      reconnects: this.reconnects,
    };
  }

  /** Resolves when the client stops for good; rejects with the fatal error if any. */
  closed(): Promise<void> {
    return this.closedDeferred.promise;
  }

  private async begin(): Promise<void> {
    try {
      const info = this.options.gatewayBot ?? (await this.options.api.getGatewayBot());
      this.gatewayUrl = info.url;
      this.sessionStarts =
        this.options.sessionStarts !== undefined ? this.options.sessionStarts : SessionStartBudget.from(info.session_start_limit);
    } catch (error) {
      this.fail(
        error instanceof CordformError
          ? error
          : new CordformError('gateway_unavailable', `Could not get the gateway URL (GET /gateway/bot): ${String(error)}`, {
              fault: 'remote',
              cause: error,
            }),
      );
      return this.startDeferred.promise;
    }
    if (!this.stopped) this.connect('identify');
    return this.startDeferred.promise;
  }

  private connect(mode: Mode): void {
    if (this.stopped) return;
    const identifying = mode === 'identify' || this.sessionId === null;
    if (identifying && !this.takeSessionStart()) return;
    if (identifying && this.options.identifyGate) {
      void this.connectInTurn(mode, this.options.identifyGate);
      return;
    }
    this.open(mode, null);
  }

  /** Waits for this shard's IDENTIFY turn, then connects; the ticket is spent on IDENTIFY. */
  private async connectInTurn(mode: Mode, gate: NonNullable<GatewayClientOptions['identifyGate']>): Promise<void> {
    let ticket: IdentifyTicket;
    try {
      ticket = await gate.acquire(this.options.shard?.[0] ?? 0, this.stopController.signal);
    } catch {
      return; // stopped while waiting
    }
    if (this.stopped) {
      ticket.cancel();
      return;
    }
    this.open(mode, ticket);
  }

  private open(mode: Mode, ticket: IdentifyTicket | null): void {
    const base = mode === 'resume' && this.resumeUrl ? this.resumeUrl : this.gatewayUrl;
    if (!base) throw new CordformError('internal_unreachable', 'gateway URL missing', { fault: 'tool' });
    const url = gatewayConnectUrl(base);
    this.log('debug', 'gateway connecting', { url, mode });
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      this.log('error', 'gateway URL rejected', { url, error: String(error) });
      ticket?.cancel();
      this.scheduleReconnect('identify');
      return;
    }
    socket.binaryType = 'arraybuffer';
    const connection: Connection = { socket, mode, opened: false, acked: true, heartbeatTimer: null, detached: false, ticket };
    this.connection = connection;
    socket.addEventListener('open', () => {
      connection.opened = true;
    });
    socket.addEventListener('message', (event) => {
      if (connection.detached) return;
      this.onMessage(connection, event.data);
    });
    socket.addEventListener('error', () => {
      // The close event follows with the code; nothing to do here.
    });
    socket.addEventListener('close', (event) => {
      if (connection.detached) return;
      this.onClose(connection, event.code, event.reason);
    });
  }

  /** Spends one IDENTIFY of the session start budget; with none left, waits for the reset and returns false. */
  private takeSessionStart(): boolean {
    const budget = this.sessionStarts;
    if (!budget) return true;
    const verdict = budget.take();
    if (verdict.ok) {
      if (verdict.runningLow) {
        this.log('warn', 'gateway session starts are running out; Discord resets the bot token when none are left', verdict.runningLow);
      }
      return true;
    }
    this.log('error', 'gateway session start limit reached; not identifying until it resets (Discord would reset the bot token)', {
      resetsInMs: verdict.waitMs,
    });
    this.clearReconnectTimer();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.refreshSessionStartsThenIdentify(budget);
    }, verdict.waitMs + 1000);
    return false;
  }

  private async refreshSessionStartsThenIdentify(budget: SessionStartBudget): Promise<void> {
    try {
      await budget.refresh(async () => (await this.options.api.getGatewayBot()).session_start_limit);
    } catch (error) {
      // The window should have reset by now: allow this one IDENTIFY, and ask again before the next.
      this.log('warn', 'could not re-read the session start limit; trying to identify', { error: String(error) });
      budget.reset({ total: 1, remaining: 1, reset_after: 0 });
    }
    this.connect('identify');
  }

  private onMessage(connection: Connection, data: unknown): void {
    let payload: { op?: unknown; d?: unknown; s?: unknown; t?: unknown };
    try {
      const text = typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString('utf8');
      payload = JSON.parse(text) as typeof payload;
      if (payload === null || typeof payload !== 'object') throw new Error('not an object');
    } catch {
      this.log('warn', 'gateway sent an undecodable frame; ignored');
      return;
    }
    switch (payload.op) {
      case GatewayOpcode.HELLO:
        this.onHello(connection, payload.d);
        return;
      case GatewayOpcode.HEARTBEAT_ACK:
        connection.acked = true;
        return;
      case GatewayOpcode.HEARTBEAT:
        // "Discord may request additional heartbeats": answer at once, outside the interval.
        this.sendHeartbeat(connection);
        return;
      case GatewayOpcode.DISPATCH:
        this.onDispatch(payload.t, payload.s, payload.d);
        return;
      case GatewayOpcode.RECONNECT:
        this.log('info', 'gateway asked to reconnect (op 7); resuming');
        this.replaceConnection(connection, 'resume', 'reconnect requested', false);
        return;
      case GatewayOpcode.INVALID_SESSION:
        this.onInvalidSession(connection, payload.d === true);
        return;
      default:
        this.log('debug', 'gateway sent an unhandled opcode', { op: payload.op });
    }
  }

  private onHello(connection: Connection, d: unknown): void {
    const interval = (d as { heartbeat_interval?: unknown } | null)?.heartbeat_interval;
    if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
      this.log('warn', 'gateway HELLO without a valid heartbeat_interval; reconnecting');
      this.replaceConnection(connection, connection.mode, 'bad hello', true);
      return;
    }
    if (connection.heartbeatTimer) clearTimeout(connection.heartbeatTimer);
    // First beat after interval × jitter, then every interval (docs: "Heartbeat Interval").
    connection.heartbeatTimer = setTimeout(() => {
      this.heartbeatTick(connection);
      connection.heartbeatTimer = setInterval(() => this.heartbeatTick(connection), interval);
    }, Math.floor(interval * this.random()));

    if (connection.mode === 'resume' && this.sessionId !== null) {
      this.send(connection, {
        op: GatewayOpcode.RESUME,
        d: { token: this.options.token, session_id: this.sessionId, seq: this.sequence ?? 0 },
      });
      this.log('debug', 'gateway resuming', { sessionId: this.sessionId, sequence: this.sequence });
    } else {
      this.send(connection, {
        op: GatewayOpcode.IDENTIFY,
        d: {
          token: this.options.token,
          intents: this.options.intents,
          properties: this.options.properties ?? { os: process.platform, browser: 'cordform', device: 'cordform' },
          ...(this.options.shard ? { shard: [...this.options.shard] } : {}),
        },
      });
      connection.ticket?.sent();
      connection.ticket = null;
      this.log('debug', 'gateway identifying', { intents: this.options.intents });
    }
  }

  private heartbeatTick(connection: Connection): void {
    if (connection.detached) return;
    if (!connection.acked) {
      // Zombied connection: terminate with a non-1000 code and resume (docs: "Sending Heartbeats").
      this.log('warn', 'gateway heartbeat was not acknowledged; reconnecting to resume');
      this.replaceConnection(connection, 'resume', 'heartbeat not acknowledged', true);
      return;
    }
    this.sendHeartbeat(connection);
  }

  private sendHeartbeat(connection: Connection): void {
    connection.acked = false;
    this.send(connection, { op: GatewayOpcode.HEARTBEAT, d: this.sequence });
  }

  private onDispatch(t: unknown, s: unknown, d: unknown): void {
    if (typeof t !== 'string') return;
    const seq = typeof s === 'number' && Number.isInteger(s) ? s : null;
    if (t === 'READY') {
      const ready = (d ?? {}) as { session_id?: unknown; resume_gateway_url?: unknown };
      this.sessionId = typeof ready.session_id === 'string' ? ready.session_id : null;
      this.resumeUrl = typeof ready.resume_gateway_url === 'string' ? ready.resume_gateway_url : null;
      this.sequence = null;
    }
    if (seq !== null) {
      if (this.sequence !== null && seq <= this.sequence) {
        this.log('debug', 'gateway replayed an already delivered event; skipped', { t, s: seq });
        return;
      }
      if (this.sequence !== null && seq > this.sequence + 1 && t !== 'RESUMED') {
        this.log('warn', 'gateway sequence gap', { expected: this.sequence + 1, got: seq });
      }
      this.sequence = seq;
    }
    if (t === 'READY' || t === 'RESUMED') this.onSessionUp(t);
    this.deliver({ t, s: seq ?? this.sequence ?? 0, d });
  }

  private onSessionUp(t: 'READY' | 'RESUMED'): void {
    this.ready = true;
    this.failedAttempts = 0;
    if (t === 'RESUMED') this.resumes += 1;
    this.log('info', t === 'READY' ? 'gateway ready' : 'gateway resumed', {
      sessionId: this.sessionId,
      sequence: this.sequence,
    });
    this.startDeferred.resolve();
  }

  private deliver(dispatch: GatewayDispatch): void {
    try {
      const result = this.options.onDispatch(dispatch) as unknown;
      if (result instanceof Promise) {
        result.catch((error: unknown) => this.log('error', 'dispatch handler failed', { t: dispatch.t, error: String(error) }));
      }
    } catch (error) {
      this.log('error', 'dispatch handler failed', { t: dispatch.t, error: String(error) });
    }
  }

  private onInvalidSession(connection: Connection, resumable: boolean): void {
    this.ready = false;
    if (resumable && this.sessionId !== null) {
      this.log('info', 'gateway invalidated the session (op 9, resumable); resuming');
      this.replaceConnection(connection, 'resume', 'invalid session', false);
      return;
    }
    this.log('info', 'gateway invalidated the session (op 9); identifying again');
    this.clearSession();
    const { min, max } = this.options.invalidSessionDelayMs ?? { min: 1000, max: 5000 };
    this.detach(connection);
    void this.closeConnection(connection, 1000, 'invalid session', false);
    this.connection = null;
    this.reconnects += 1;
    this.clearReconnectTimer();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect('identify');
    }, min + this.random() * Math.max(0, max - min));
  }

  private onClose(connection: Connection, code: number, reason: string): void {
    this.detach(connection);
    if (this.connection === connection) this.connection = null;
    this.ready = false;
    if (this.stopped) return;
    if (isFatalCloseCode(code)) {
      this.log('error', 'gateway closed with a fatal code', { code, reason });
      this.fail(fatalCloseError(code, reason));
      return;
    }
    const canResume = isResumableCloseCode(code) && this.sessionId !== null;
    this.log('warn', 'gateway connection closed', { code, reason, willResume: canResume });
    if (!canResume) this.clearSession();
    if (!connection.opened) this.resumeUrl = null; // docs: if the reconnect fails, use the cached URL
    this.scheduleReconnect(canResume ? 'resume' : 'identify');
  }

  /** Drops a connection we no longer trust and opens the next one right away. */
  private replaceConnection(connection: Connection, mode: Mode, reason: string, backoff: boolean): void {
    this.ready = false;
    this.detach(connection);
    void this.closeConnection(connection, CLOSE_FOR_RESUME, reason, false);
    if (this.connection === connection) this.connection = null;
    const next = mode === 'resume' && this.sessionId !== null ? 'resume' : 'identify';
    if (backoff) {
      this.scheduleReconnect(next);
    } else {
      this.reconnects += 1;
      this.connect(next);
    }
  }

  private scheduleReconnect(mode: Mode): void {
    if (this.stopped || this.reconnectTimer) return;
    const { baseDelayMs = DEFAULT_BASE_DELAY_MS, maxDelayMs = DEFAULT_MAX_DELAY_MS, maxAttempts = DEFAULT_MAX_ATTEMPTS } =
      this.options.reconnect ?? {};
    if (this.failedAttempts >= maxAttempts) {
      this.fail(
        new CordformError(
          'gateway_reconnect_exhausted',
          `Could not reconnect to the Discord gateway after ${maxAttempts} attempts.`,
          { fault: 'remote', details: { attempts: maxAttempts } },
        ),
      );
      return;
    }
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** this.failedAttempts);
    const delay = Math.floor(this.random() * ceiling);
    this.failedAttempts += 1;
    this.reconnects += 1;
    this.log('debug', 'gateway reconnect scheduled', { mode, delayMs: delay, attempt: this.failedAttempts });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect(mode);
    }, delay);
  }

  private clearSession(): void {
    this.sessionId = null;
    this.resumeUrl = null;
    this.sequence = null;
  }

  private detach(connection: Connection): void {
    connection.detached = true;
    connection.ticket?.cancel();
    connection.ticket = null;
    if (connection.heartbeatTimer) {
      clearTimeout(connection.heartbeatTimer);
      clearInterval(connection.heartbeatTimer);
      connection.heartbeatTimer = null;
    }
  }

  /** Closes a socket; when `wait`, resolves once it is closed (bounded, a zombie never answers). */
  private closeConnection(connection: Connection, code: number, reason: string, wait: boolean): Promise<void> {
    this.detach(connection);
    const { socket } = connection;
    if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      timer.unref();
      socket.addEventListener('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    try {
      socket.close(code, reason);
    } catch {
      // Already closing.
    }
    return wait ? done : Promise.resolve();
  }

  private send(connection: Connection, payload: { op: number; d: unknown }): void {
    if (connection.detached || connection.socket.readyState !== WebSocket.OPEN) return;
    try {
      connection.socket.send(JSON.stringify(payload));
    } catch (error) {
      this.log('warn', 'gateway send failed', { op: payload.op, error: String(error) });
    }
  }

  private fail(error: CordformError): void {
    this.stopped = true;
    this.ready = false;
    this.clearReconnectTimer();
    this.stopController.abort();
    const connection = this.connection;
    this.connection = null;
    if (connection) void this.closeConnection(connection, 1000, 'client stopped', false);
    this.startDeferred.reject(error);
    this.closedDeferred.reject(error);
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
    try {
      const shard = this.options.shard;
      this.options.log?.(level, message, shard ? { ...fields, shard_id: shard[0] } : fields);
    } catch {
      // A failing log sink must not break the connection.
    }
  }
}
