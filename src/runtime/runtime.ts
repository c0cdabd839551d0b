import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { CordformError, formatLocation } from '../errors.js';
import { registerManifestSecrets } from '../manifest/manifest-secrets.js';
import { DEFAULT_API_BASE } from '../discord/api-base.js';
import type { DiscordApi } from '../discord/api.js';
import type { GatewayClientOptions, GatewayDispatch, GatewayStatus } from '../discord/gateway-client.js';
import { Intent } from '../discord/types.js';
import type { GuildDeclaration, Manifest } from '../manifest/types.js';
import type { Redactor } from '../redact.js';
import { DEFAULT_RETRY, errorMessage, type ActionContext, type RetryPolicy } from './actions/context.js';
import { DispatchQueue } from './dispatch-queue.js';
import { GuildDirectory } from './guild-directory.js';
import { startRuntimeHttpServer } from './http-server.js';
import { createInteractionEndpoint } from './interactions.js';
import { createRuntimeLogger, type RuntimeLogger } from './logger.js';
import { createRuntimeMetrics, type RuntimeMetrics } from './metrics.js';
import { OutboundHttp } from './outbound-http.js';
import { computePermissions } from './permissions.js';
import { checkInhibitors, routeMessage, type CommandMatch, type GatewayMessage, type InhibitorFacts } from './router.js';
import { runCommand } from './run-command.js';

/**
 * `cordform run`: gateway MESSAGE_CREATE events → router → actions, with /healthz and
 * /metrics served alongside. Everything it talks to is injected (the Discord API, the
 * gateway factory, the output sink), so tests run it in-process.
 */

/** What the runtime needs from a gateway connection (GatewayClient, or a test double). */
export interface GatewayConnection {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): GatewayStatus;
  closed(): Promise<void>;
}

export interface RuntimeOptions {
  manifest: Manifest;
  api: DiscordApi;
  createGateway(options: GatewayClientOptions): GatewayConnection;
  /** HTTP port (0 = any free port). Default: manifest runtime.port, else 8080. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where JSON log lines go, and the Redactor that masks every secret in them. */
  io: { out(text: string): void; redactor: Redactor };
  logLevel?: string;
  /** X-CloudCord-Node; default `hostname-pid`. */
  node?: string;
  /** Per-target limits (default: 8 running + manifest runtime.maxQueue ?? 100 waiting). */
  concurrencyPerTarget?: number;
  maxQueuePerTarget?: number;
  retry?: Partial<RetryPolicy>;
  /** Upper bound for draining in-flight actions on stop (default 45 s). */
  drainTimeoutMs?: number;
  /** Reuse of channel/role lists (default 60 s) and webhook tokens (default 30 s). */
  cacheTtlMs?: number;
  webhookCacheTtlMs?: number;
}

export interface Runtime {
  port: number;
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
  const logger = createRuntimeLogger({ write: io.out, redactor: io.redactor, level: options.logLevel });
  const metrics = createRuntimeMetrics();
  const bot = await api.getCurrentUser();
  const node = options.node ?? `${hostname()}-${process.pid}`;
  const hardStop = new AbortController();
  // Every in-flight action's deadline listens to the hard stop: hundreds at once is normal.
  setMaxListeners(0, hardStop.signal);
  const http = new OutboundHttp({
    connectionsPerTarget: options.concurrencyPerTarget ?? 8,
    blockPrivateAddresses: manifest.runtime.blockPrivateAddresses,
  });
  const ctx: ActionContext = {
    api,
    http,
    queue: new DispatchQueue({
      concurrency: options.concurrencyPerTarget ?? 8,
      maxQueue: options.maxQueuePerTarget ?? manifest.runtime.maxQueue ?? 100,
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
    apiBase: manifest.discord.apiBase ?? DEFAULT_API_BASE,
    node,
    hardStop: hardStop.signal,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    random: Math.random,
  };

  const inFlight = new Set<Promise<void>>();
  let stopping = false;

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
    const work = handleMessage(ctx, manifest.guilds, dispatch.d as GatewayMessage).catch((error: unknown) => {
      logger.error({ error: errorMessage(error) }, 'event handling failed');
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const track = (work: Promise<void>): void => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const interactions = createInteractionEndpoint({
    publicKey: manifest.discord.publicKey,
    applicationId: manifest.discord.applicationId ?? bot.id,
    guilds: manifest.guilds,
    ctx,
    isStopping: () => stopping,
    track,
  });

  const gateway = options.createGateway({
    token: manifest.discord.token,
    intents: Intent.GUILDS | Intent.GUILD_MESSAGES | Intent.MESSAGE_CONTENT,
    api,
    onDispatch,
    log: (level, message, fields) => logger[level](fields ?? {}, message),
  });
  const server = await startRuntimeHttpServer(
    { isReady: () => !stopping && gateway.status().ready, registry: metrics.registry, interactions: interactions.handle },
    { port: options.port ?? manifest.runtime.port ?? 8080, host: options.host ?? '127.0.0.1' },
  );
  try {
    await gateway.start();
  } catch (error) {
    await server.close();
    await http.close();
    throw error;
  }
  logger.info({ port: server.port, bot_id: bot.id, guilds: manifest.guilds.length, node }, 'runtime started');

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
  return { port: server.port, metrics, logger, closed, stop };
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
