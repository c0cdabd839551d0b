import type { IncomingHttpHeaders } from 'node:http';
import type { CommandDeclaration, GuildDeclaration } from '../../manifest/types.js';
import { errorMessage, type ActionContext, type ActionResult, type CommandEvent, type ResolvedAction } from '../actions/context.js';
import type { JsonAnswer, JsonHandler, JsonRequest } from '../http-server.js';
import { validateReplyAction, type ReplyAction } from '../reply-actions.js';
import type { GatewayMessage } from '../router.js';
import { authorizeReply, executeSafely, record } from '../run-command.js';
import type { CallbackClaims, CallbackTokens } from './callback-token.js';
import type { TokenRateLimit } from './token-rate-limit.js';

/**
 * `POST /v1/actions`: an HTTP_POST target acting after its 5-second reply window, with the
 * `X-Cordform-Callback-Token` of one invocation as `Authorization: Bearer …`. The body is
 * one reply action or an array of them (schema/action.schema.json), executed under exactly
 * the scope rules of a reply for that invocation's guild and command:
 * - no, malformed, forged or expired token → 401 (the same answer for each);
 * - over the token's rate limit → 429 with Retry-After;
 * - not JSON, not actions, more than MAX_ACTIONS → 400 with the schema errors;
 * - any action out of scope → 403 with the reasons, and none of them runs;
 * - otherwise 200 `{results: [{action, outcome, …}]}`, one per action, in order.
 */
const MAX_ACTIONS_PER_CALLBACK = 10;

type CallbackResult = 'ok' | 'unauthorized' | 'rate_limited' | 'invalid' | 'forbidden' | 'unavailable';

export interface ActionsEndpointOptions {
  tokens: CallbackTokens;
  rateLimit: TokenRateLimit;
  guilds: readonly GuildDeclaration[];
  ctx: ActionContext;
  isStopping(): boolean;
  /** Registers the work so that stop() drains it. */
  track(work: Promise<void>): void;
}

export function createActionsEndpoint(options: ActionsEndpointOptions): JsonHandler {
  const { ctx } = options;
  const count = (result: CallbackResult) => ctx.metrics.callbacks.inc({ result });
  return async (request: JsonRequest): Promise<JsonAnswer> => {
    const verdict = options.tokens.verify(bearer(request.headers) ?? '');
    if (!verdict.ok) {
      count('unauthorized');
      ctx.logger.warn({ reason: verdict.reason }, 'callback refused: bad or expired token');
      return { status: 401, body: { error: 'invalid or expired callback token' }, headers: { 'www-authenticate': 'Bearer' } };
    }
    const { claims } = verdict;
    const fields = { guild_id: claims.guildId, command: claims.command, source_id: claims.sourceId };
    const rate = options.rateLimit.take(claims.nonce, claims.expiresAt);
    if (!rate.ok) {
      count('rate_limited');
      ctx.logger.warn(fields, 'callback refused: rate limit of this token');
      const retryAfter = String(rate.retryAfterSeconds);
      return { status: 429, body: { error: 'too many requests for this token', retry_after: rate.retryAfterSeconds }, headers: { 'retry-after': retryAfter } };
    }
    const parsed = parseActions(request.body);
    if (!parsed.ok) {
      count('invalid');
      return { status: 400, body: { error: 'invalid actions', errors: parsed.errors } };
    }
    const event = callbackEvent(options.guilds, claims);
    if (!event) {
      count('forbidden');
      return { status: 403, body: { error: 'out of scope', refused: [{ reason: 'the command is no longer declared' }] } };
    }
    if (options.isStopping()) {
      count('unavailable');
      return { status: 503, body: { error: 'the runtime is stopping' }, headers: { 'retry-after': '5' } };
    }
    const work = authorizeAndRun(ctx, event, parsed.actions);
    options.track(work.then(ignore, ignore));
    let outcome: RunOutcome;
    try {
      outcome = await work;
    } catch (error) {
      // The live lookup of the guild's channels failed: the scope cannot be checked now.
      count('unavailable');
      ctx.logger.warn({ ...fields, error: errorMessage(error) }, 'callback failed: could not check its scope');
      return { status: 503, body: { error: 'could not check the scope of the actions; try again' }, headers: { 'retry-after': '5' } };
    }
    if (!outcome.ok) {
      count('forbidden');
      ctx.logger.warn({ ...fields, refused: outcome.refused }, 'callback refused: out of scope');
      return { status: 403, body: { error: 'out of scope', refused: outcome.refused } };
    }
    count('ok');
    return { status: 200, body: { results: outcome.results } };
  };
}

type RunOutcome =
  | { ok: true; results: Array<{ action: string; outcome: string } & Record<string, unknown>> }
  | { ok: false; refused: Array<{ index: number; action: string; reason: string }> };

/** Every action is authorized before any runs: a batch is refused whole or run whole. */
async function authorizeAndRun(ctx: ActionContext, event: CommandEvent, actions: ReplyAction[]): Promise<RunOutcome> {
  const verdicts = await Promise.all(
    actions.map(async (reply) => ({ name: reply.action, verdict: await authorizeReply(ctx, event, reply) })),
  );
  const allowed: Array<{ name: string; action: ResolvedAction }> = [];
  const refused: Array<{ index: number; action: string; reason: string }> = [];
  verdicts.forEach(({ name, verdict }, index) => {
    if (verdict.ok) allowed.push({ name, action: verdict.action });
    else refused.push({ index, action: name, reason: verdict.reason });
  });
  if (refused.length > 0) return { ok: false, refused };
  const results = [];
  for (const { name, action } of allowed) {
    const result: ActionResult = await executeSafely(ctx, event, action);
    record(ctx, event, name, result, { source: 'callback' });
    results.push({ action: name, outcome: result.outcome, ...result.detail });
  }
  return { ok: true, results };
}

type Parsed = { ok: true; actions: ReplyAction[] } | { ok: false; errors: string[] };

function parseActions(body: Buffer): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, errors: ['the body is not JSON'] };
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.length > MAX_ACTIONS_PER_CALLBACK) {
    return { ok: false, errors: [`send one action or an array of 1 to ${MAX_ACTIONS_PER_CALLBACK}`] };
  }
  const actions: ReplyAction[] = [];
  const errors: string[] = [];
  list.forEach((item, index) => {
    const checked = validateReplyAction(item);
    if (checked.ok) actions.push(checked.reply);
    else errors.push(...checked.errors.map((error) => (Array.isArray(value) ? `/${index}${error}` : error)));
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, actions };
}

/** The invocation the token was minted for, as the executors see it. */
function callbackEvent(guilds: readonly GuildDeclaration[], claims: CallbackClaims): CommandEvent | null {
  const guild = guilds.find((candidate) => candidate.id === claims.guildId);
  const command: CommandDeclaration | undefined = guild?.commands.find((candidate) => candidate.name === claims.command);
  if (!guild || !command) return null;
  return {
    guild,
    command,
    // Executors read only the id (for logs); reply actions carry their own content.
    message: { id: claims.sourceId } as GatewayMessage,
    template: { authorId: '', authorUsername: '', content: '', args: '', channelId: '', guildId: guild.id },
  };
}

function ignore(): void {}

function bearer(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  const match = typeof value === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match?.[1];
}
