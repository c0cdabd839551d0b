import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { CordformError, formatLocation } from '../errors.js';
import { registerManifestSecrets } from '../manifest/manifest-secrets.js';
import type { DiscordApi } from '../discord/api.js';
import type { GatewayClientOptions, GatewayDispatch } from '../discord/gateway-client.js';
import { Intent } from '../discord/types.js';
import type { GuildDeclaration, Manifest } from '../manifest/types.js';
import type { Redactor } from '../redact.js';
import { DEFAULT_RETRY, errorMessage, type ActionContext, type RetryPolicy } from './actions/context.js';
import { DispatchQueue } from './dispatch-queue.js';
import { GuildDirectory } from './guild-directory.js';
import { createActionsEndpoint } from './callbacks/actions-endpoint.js';
import { CallbackTokens } from './callbacks/callback-token.js';
import { TokenRateLimit } from './callbacks/token-rate-limit.js';
import { startRuntimeHttpServer } from './http-server.js';
import { ReplayGuard } from './interaction-verify.js';
import { createInteractionEndpoint } from './interactions.js';
import { createRuntimeLogger, type RuntimeLogger } from './logger.js';
import { createRuntimeMetrics, registerShardGauge, type RuntimeMetrics } from './metrics.js';
import { OutboundHttp } from './outbound-http.js';
import { computePermissions } from './permissions.js';
import { checkInhibitors, routeMessage, type CommandMatch, type GatewayMessage, type InhibitorFacts } from './router.js';
import { runCommand } from './run-command.js';
import { createShardSet, guildsOfOtherShards, planShards, type ShardGateway, type ShardSpec } from './shard-set.js';

/**
 * `cordform run`: gateway MESSAGE_CREATE events → router → actions, with /healthz,
 * /metrics, /interactions and /v1/actions served alongside. Everything it talks to is
 * injected (the Discord API, the gateway factory, the output sink), so tests run it
 * in-process.
 */
export type { ShardGateway };

export interface RuntimeOptions {
  manifest: Manifest;
  api: DiscordApi;
  createGateway(options: GatewayClientOptions): ShardGateway;
  /** HTTP port (0 = any free port). Default: manifest runtime.port, else 8080. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where JSON log lines go, and the Redactor that masks every secret in them. */
  io: { out(text: string): void; redactor: Redactor };
  logLevel?: string;
  /** X-CloudCord-Node; default `hostname-pid`. */
  node?: string;
  /** Which gateway shards this process runs (shard-set.ts); default one unsharded connection. */
  shards?: ShardSpec;
  /** X-CloudCord-APIBase: this runtime's base URL as targets reach it; default the listen address. */
  publicUrl?: string;
  /** Per-command HTTP work (default: 8 running + manifest runtime.maxQueue ?? 100 waiting). */
  concurrencyPerCommand?: number;
  maxQueuePerCommand?: number;
  retry?: Partial<RetryPolicy>;
  /** Upper bound for draining in-flight actions on stop (default 45 s). */
  drainTimeoutMs?: number;
  /** Reuse of channel/role lists (default 60 s) and webhook tokens (default 30 s). */
  cacheTtlMs?: number;
  webhookCacheTtlMs?: number;
  /** Interaction ids remembered at once (interaction-verify.ts ReplayGuard); default 100,000. */
  replayGuardSize?: number;
  /** POST /v1/actions: token lifetime and per-token rate limit (callbacks/). */
  callbacks?: { ttlMs?: number; burst?: number; perSecond?: number };
}

export interface Runtime {
  port: number;
  /** X-CloudCord-APIBase as sent to targets. */
  publicUrl: string;
  metrics: RuntimeMetrics;
  logger: RuntimeLogger;
  /** Resolves when the gateway stops for good; rejects with its fatal error (4004, 4014…). */
  closed: Promise<void>;
  /** Stops taking events, drains in-flight actions up to their deadline, closes everything. */
  stop(): Promise<void>;
}

const KNOWN_EVENTS = new Set(['MESSAGE_CREATE', 'READY', 'RESUMED', 'GUILD_CREATE', 'INTERACTION_CREATE']);

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { manifest, api, io } = options;
  refuseUnresolved(manifest);
  registerManifestSecrets(manifest, io.redactor);
  const [bot, plan] = await Promise.all([api.getCurrentUser(), planShards(options.shards, api)]);
  const logger = createRuntimeLogger({
    write: io.out,
    redactor: io.redactor,
    level: options.logLevel,
    ...(plan.label ? { base: { shard: plan.label } } : {}),
  });
  const metrics = createRuntimeMetrics({ shard: plan.label });
  const node = options.node ?? `${hostname()}-${process.pid}`;
  const otherShards = guildsOfOtherShards(plan, manifest.guilds.map((guild) => guild.id));
  const hardStop = new AbortController();
  // Every in-flight action's deadline listens to the hard stop: hundreds at once is normal.
  setMaxListeners(0, hardStop.signal);
  const http = new OutboundHttp({ blockPrivateAddresses: manifest.runtime.blockPrivateAddresses });
  const callbackTokens = new CallbackTokens({ ttlMs: options.callbacks?.ttlMs });
  const listen = { port: options.port ?? manifest.runtime.port ?? 8080, host: options.host ?? '127.0.0.1' };
  const ctx: ActionContext = {
    api,
    http,
    queue: new DispatchQueue({
      concurrency: options.concurrencyPerCommand ?? 8,
      maxQueue: options.maxQueuePerCommand ?? manifest.runtime.maxQueue ?? 100,
    }),
    directory: new GuildDirectory({
      api,
      redactor: io.redactor,
      ttlMs: options.cacheTtlMs,
      webhookTtlMs: options.webhookCacheTtlMs,
    }),
    metrics,
    logger,
    botUserId: bot.id,
    // Known once the server listens (port 0 picks one); no action runs before that.
    publicUrl: options.publicUrl ?? '',
    callbackTokens,
    node,
    hardStop: hardStop.signal,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    random: Math.random,
  };

  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  const track = (work: Promise<void>): void => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const onDispatch = (dispatch: GatewayDispatch): void => {
    const event = KNOWN_EVENTS.has(dispatch.t) ? dispatch.t : 'other';
    if (dispatch.t !== 'MESSAGE_CREATE') {
      metrics.events.inc({ event, result: 'ignored' });
      return;
    }
    if (stopping) {
      metrics.events.inc({ event, result: 'dropped' });
      metrics.eventsDropped.inc({ reason: 'stopping' });
      return;
    }
    const message = dispatch.d as GatewayMessage;
    if (message.guild_id !== undefined && otherShards.has(message.guild_id)) {
      // Discord sends a guild's events to its shard only; this guards against a session
      // identified with a different shard count.
      metrics.events.inc({ event, result: 'ignored' });
      logger.debug({ message_id: message.id, guild_id: message.guild_id }, 'message for another shard ignored');
      return;
    }
    track(
      handleMessage(ctx, manifest.guilds, message).catch((error: unknown) => {
        logger.error({ error: errorMessage(error) }, 'event handling failed');
      }),
    );
  };

  // Interactions arrive over HTTP, each once, at whichever process the load balancer picks:
  // every process answers every guild's interactions, sharded or not.
  const interactions = createInteractionEndpoint({
    publicKey: manifest.discord.publicKey,
    applicationId: manifest.discord.applicationId ?? bot.id,
    guilds: manifest.guilds,
    ctx,
    isStopping: () => stopping,
    track,
    ...(options.replayGuardSize !== undefined ? { replays: new ReplayGuard(options.replayGuardSize) } : {}),
  });
  const actions = createActionsEndpoint({
    tokens: callbackTokens,
    rateLimit: new TokenRateLimit({ burst: options.callbacks?.burst, perSecond: options.callbacks?.perSecond }),
    guilds: manifest.guilds,
    ctx,
    isStopping: () => stopping,
    track,
  });

  const gateway = createShardSet(
    plan,
    {
      token: manifest.discord.token,
      intents: Intent.GUILDS | Intent.GUILD_MESSAGES | Intent.MESSAGE_CONTENT,
      api,
      onDispatch,
      log: (level, message, fields) => logger[level](fields ?? {}, message),
    },
    options.createGateway,
  );
  registerShardGauge(metrics, gateway.shards);
  const server = await startRuntimeHttpServer(
    {
      isReady: () => !stopping && gateway.ready(),
      registry: metrics.registry,
      interactions: interactions.handle,
      actions,
      onConnectionDropped: () => metrics.connectionsDropped.inc(),
    },
    listen,
  );
  ctx.publicUrl = options.publicUrl ?? listenUrl(listen.host, server.port);
  if (!options.publicUrl && isWildcard(listen.host)) {
    logger.warn({ public_url: ctx.publicUrl }, 'X-CloudCord-APIBase defaults to a loopback URL; set --public-url so targets on other hosts can call back');
  }
  try {
    await gateway.start();
  } catch (error) {
    await gateway.stop().catch(() => {});
    await server.close();
    await http.close();
    throw error;
  }
  const owned = manifest.guilds.length - otherShards.size;
  logger.info(
    { port: server.port, bot_id: bot.id, guilds: manifest.guilds.length, guilds_on_shards: owned, node, public_url: ctx.publicUrl },
    'runtime started',
  );

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      stopping = true;
      logger.info({ in_flight: inFlight.size }, 'stopping: draining in-flight actions');
      await gateway.stop().catch(() => {});
      const drained = await settleWithin([...inFlight], options.drainTimeoutMs ?? 45_000);
      if (!drained) {
        hardStop.abort(new Error('runtime stopped'));
        await Promise.allSettled([...inFlight]);
      }
      await server.close();
      await http.close();
      logger.info({ drained }, 'runtime stopped');
    })());

  const closed = gateway.closed();
  // Observed here so a fatal close is logged even when the caller only awaits stop().
  closed.catch((error: unknown) => logger.error({ error: errorMessage(error) }, 'gateway stopped'));
  return { port: server.port, publicUrl: ctx.publicUrl, metrics, logger, closed, stop };
}

/** The wildcard listen addresses, each with the loopback address that reaches it. */
const WILDCARD_LOOPBACK = new Map([
  ['0.0.0.0', '127.0.0.1'],
  ['::', '::1'],
]);

/** `http://HOST:PORT/` for the listen address; a wildcard address becomes loopback. */
function listenUrl(host: string, port: number): string {
  const name = WILDCARD_LOOPBACK.get(host) ?? host;
  return `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
}

function isWildcard(host: string): boolean {
  return WILDCARD_LOOPBACK.has(host);
}

async function handleMessage(ctx: ActionContext, guilds: readonly GuildDeclaration[], message: GatewayMessage): Promise<void> {
  const routed = routeMessage(message, guilds, ctx.botUserId);
  if (!routed.matched) {
    ctx.metrics.events.inc({ event: 'MESSAGE_CREATE', result: 'ignored' });
    ctx.logger.debug({ message_id: message.id, reason: routed.reason }, 'message ignored');
    return;
  }
  const { match } = routed;
  const verdict = checkInhibitors(match.command, await inhibitorFacts(ctx, match, message));
  if (!verdict.allowed) {
    ctx.metrics.events.inc({ event: 'MESSAGE_CREATE', result: 'inhibited' });
    ctx.logger.info(
      { guild_id: match.guild.id, command: match.command.name, message_id: message.id, inhibitor: verdict.inhibitor },
      'command inhibited',
    );
    return;
  }
  ctx.metrics.events.inc({ event: 'MESSAGE_CREATE', result: 'matched' });
  await runCommand(ctx, {
    guild: match.guild,
    command: match.command,
    message,
    template: {
      authorId: message.author.id,
      authorUsername: message.author.username,
      content: message.content,
      args: match.args,
      channelId: message.channel_id,
      guildId: match.guild.id,
    },
  });
}

/** Facts for the inhibitors; API lookups only for the inhibitors a command declares. */
async function inhibitorFacts(ctx: ActionContext, match: CommandMatch, message: GatewayMessage): Promise<InhibitorFacts> {
  const { inhibitors } = match.command;
  const roles = message.member?.roles ?? [];
  const facts: InhibitorFacts = { channelId: message.channel_id, roles, permissions: null, nsfw: null };
  try {
    const channel =
      inhibitors.nsfw || inhibitors.permissions.length > 0
        ? await ctx.directory.channel(match.guild.id, message.channel_id)
        : undefined;
    if (inhibitors.nsfw) facts.nsfw = channel?.nsfw ?? false;
    if (inhibitors.permissions.length > 0) {
      // Interactions carry the member's computed permissions; gateway messages do not.
      const given = message.member?.permissions;
      facts.permissions =
        given !== undefined
          ? BigInt(given)
          : computePermissions(await ctx.directory.guild(match.guild.id), { userId: message.author.id, roles }, channel);
    }
  } catch (error) {
    // Unknown facts stay null and the inhibitor fails closed.
    ctx.logger.warn({ guild_id: match.guild.id, error: errorMessage(error) }, 'inhibitor lookup failed');
  }
  return facts;
}

/** True when every promise settled within `ms`; false when the time ran out first. */
async function settleWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.allSettled(promises).then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A manifest loaded for a command that did not need every variable (plan needs no runtime
 * secrets) holds `${VAR}` text in their place: the runtime would send it as a token.
 */
function refuseUnresolved(manifest: Manifest): void {
  const unresolved = manifest.unresolved ?? [];
  if (unresolved.length === 0) return;
  const list = unresolved.map((reference) => `${reference.variable} (${formatLocation(reference.location)})`).join(', ');
  throw new CordformError('env_missing', `the runtime needs every variable the manifest references; not set: ${list}`, {
    location: unresolved[0]!.location,
    details: { variables: unresolved.map((reference) => reference.variable) },
  });
}
