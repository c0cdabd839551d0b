import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import type { APIMessage } from '../discord/types.js';
import { GatewayCloseCode } from '../discord/gateway-protocol.js';
import { listenOn } from '../listen.js';
import { API_ROUTES, handleRequest } from './http/api-handler.js';
import type { SandboxCore } from './context.js';
import { FaultInjector, type FaultSet, type FaultSpec } from './http/faults.js';
import { attachGateway, GATEWAY_PATH, type GatewayHub } from './gateway/server.js';
import { postMessageAsUser } from './routes/admin.js';
import { Journal } from './store/journal.js';
import { loadStateFile } from './store/persistence.js';
import { RateLimiter } from './http/rate-limit.js';
import { resolveRateLimits, type RateLimitProfile } from './http/rate-limit-profile.js';
import { RequestLog, type RequestLogEntry } from './http/request-log.js';
import { assertSeed } from './store/seed.js';
import { DEFAULT_SEED, type SandboxSeed } from './store/seed-types.js';
import { toApiUser, toGatewayGuild } from './store/serialize.js';
import { DEFAULT_SESSION_START_TOTAL, SessionStartLimiter } from './gateway/session-starts.js';
import { shardRefusal } from './gateway/shard-rules.js';
import { SandboxState } from './store/state.js';

export {
  DEFAULT_SEED,
  DEFAULT_BOT_ID,
  DEFAULT_BOT_TOKEN,
  OTHER_BOT_ID,
  OTHER_BOT_TOKEN,
  DEFAULT_USER_ID,
  DEFAULT_GUILD_ID,
  GENERAL_CHANNEL_ID,
  DEPLOYS_CHANNEL_ID,
} from './store/seed-types.js';
export { parseSeed } from './store/seed.js';
export type { SandboxSeed, SeedBot } from './store/seed-types.js';

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The world to start from; default DEFAULT_SEED. Ignored when `statePath` holds a state (it has its own). */
  seed?: SandboxSeed;
  /** Load from and persist to this file: every write is journaled and fsynced before it is answered. */
  statePath?: string;
  /** Default 'discord' (src/sandbox/http/rate-limit-profile.ts); 'off' = no limits and no rate-limit headers. */
  rateLimits?: 'discord' | 'off' | RateLimitProfile;
  /** Gateway HELLO heartbeat_interval; default 41250 ms as Discord. */
  gatewayHeartbeatMs?: number;
  /**
   * Per rate-limit key (`shard_id % max_concurrency`), one IDENTIFY per this many ms; an
   * earlier one gets op 9. Default 5000, Discord's; only tests of reconnect timing set less.
   */
  identifyIntervalMs?: number;
  /** Fault injection from the start (docs/sandbox.md, "Fault injection"); also settable via /__sandbox/faults. */
  faults?: FaultSpec[] | FaultSet;
}

export interface Sandbox {
  /** http://HOST:PORT */
  url: string;
  /** url + '/api/v10' */
  apiBase: string;
  /** ws://HOST:PORT/gateway (what GET /gateway/bot returns) */
  gatewayUrl: string;
  host: string;
  port: number;
  /** The live data (world, webhooks, messages, audit log); for tests and tools in-process. */
  state: SandboxState;
  hub: GatewayHub;
  /** The fault injector behind /__sandbox/faults (replace, clear, snapshot). */
  faults: FaultInjector;
  /** Same as POST /__sandbox/messages. */
  postMessage(input: { channel_id: string; author_id: string; content: string }): APIMessage;
  /** Same as POST /__sandbox/reset. */
  reset(): void;
  /** Same as GET /__sandbox/requests. */
  requests(): RequestLogEntry[];
  /** Resolves when every change so far is durable in the state file (at once without one). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = options.seed === undefined ? DEFAULT_SEED : assertSeed(options.seed, 'seed');
  const faults = new FaultInjector(API_ROUTES, options.faults);
  const profile = resolveRateLimits(options.rateLimits);
  const restored = options.statePath ? await loadStateFile(options.statePath) : null;
  const state = new SandboxState(structuredClone(restored?.snapshot.seed ?? seed), restored ?? undefined);
  const journal = options.statePath ? await openJournal(options.statePath, state, restored?.lastSeq ?? 0) : null;

  const host = options.host ?? '127.0.0.1';
  const urls = { http: '', ws: '' };
  const sockets = new Set<Socket>();
  // `deps` is only read once requests arrive, i.e. after listen() below.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => void handleRequest(req, res, deps));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const sessionStarts = new SessionStartLimiter((botUserId) => {
    const bot = state.world.bots.get(botUserId);
    return { total: bot?.session_start_limit ?? DEFAULT_SESSION_START_TOTAL, maxConcurrency: bot?.sharding.maxConcurrency ?? 1 };
  }, undefined, undefined, options.identifyIntervalMs);
  // Attached before listening, so every request already sees the hub.
  const hub = attachGateway({
    server,
    authenticate: (token) => {
      const bot = state.world.botsByToken.get(token.replace(/^Bot\s+/i, ''));
      if (!bot) return null;
      return { user: toApiUser(bot), messageContentAllowed: bot.message_content, applicationId: bot.application_id };
    },
    guildsFor: (botUserId) => state.world.guildsOf(botUserId).map((guild) => toGatewayGuild(state.world, guild)),
    isMember: (botUserId, guildId) => state.world.guilds.get(guildId)?.members.has(botUserId) ?? false,
    publicUrl: () => urls.ws,
    startSession: (botUserId) => {
      if (sessionStarts.tryStart(botUserId)) return true;
      // As on Discord: every session of the bot ends and its token stops working.
      const bot = state.world.bots.get(botUserId);
      if (bot) state.world.botsByToken.delete(bot.token);
      hub.disconnectBot(botUserId, GatewayCloseCode.AUTHENTICATION_FAILED, 'Session start limit exceeded; the token was reset.');
      return false;
    },
    refuseShard: (botUserId, shard) => {
      const bot = state.world.bots.get(botUserId);
      const guildIds = state.world.guildsOf(botUserId).map((guild) => guild.id);
      return bot ? shardRefusal(bot.sharding, shard, guildIds) : null;
    },
    mayIdentify: (botUserId, shardId) => sessionStarts.tryIdentify(botUserId, shardId),
    ...(options.gatewayHeartbeatMs !== undefined ? { heartbeatIntervalMs: options.gatewayHeartbeatMs } : {}),
  });
  const core: SandboxCore = {
    state,
    hub: () => hub,
    sessionStarts,
    httpUrl: () => urls.http,
    gatewayUrl: () => `${urls.ws}${GATEWAY_PATH}`,
    durable: () => journal?.durable() ?? Promise.resolve(),
  };
  const requests = new RequestLog();
  const deps = { core, limiter: new RateLimiter(profile), requests, faults };

  let port: number;
  try {
    port = await listenOn(server, options.port ?? 0, host);
  } catch (error) {
    await hub.close().catch(() => {});
    throw error;
  }
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  urls.http = `http://${authority}`;
  urls.ws = `ws://${authority}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await hub.close().catch(() => {});
      for (const socket of sockets) socket.destroy();
      await stopped;
      await journal?.close();
    })());

  return {
    url: urls.http,
    apiBase: `${urls.http}/api/v10`,
    gatewayUrl: core.gatewayUrl(),
    host,
    port,
    state,
    hub,
    faults,
    postMessage: (input) => postMessageAsUser(core, input),
    reset: () => {
      state.reset();
      sessionStarts.clear();
      requests.clear();
    },
    requests: () => requests.list(),
    flush: () => core.durable(),
    close,
  };
}

/** The journal of `--state FILE`, recording every change of `state` from now on. */
async function openJournal(path: string, state: SandboxState, lastSeq: number): Promise<Journal> {
  const journal = await Journal.open(path, () => state.snapshot(), lastSeq, {
    onError: (error) => process.stderr.write(`sandbox: cannot write state file ${path}: ${(error as Error).message}\n`),
  });
  state.onOp = (op) => journal.record(op);
  return journal;
}
