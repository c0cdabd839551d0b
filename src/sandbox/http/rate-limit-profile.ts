import { checkInput, codeSource, parseInputText, readInputText, type InputKind, type InputSource } from '../input/input-file.js';

/**
 * The sandbox's rate limits. Discord publishes only the global limit (50 requests/s per bot,
 * https://discord.com/developers/docs/topics/rate-limits#global-rate-limit) and tells clients
 * to read the headers instead of hard-coding values; per-route limits below are conservative
 * choices close to what Discord is observed to send. Each window is fixed: it opens with the
 * first request in the bucket and resets `window_ms` later to the full `limit`.
 *
 * The same shape is accepted from a YAML/JSON file (`--rate-limits FILE`, see
 * examples/sandbox-rate-limits.yaml and schema/sandbox-rate-limits.schema.json); a bucket
 * missing from a file keeps its value from this profile, and `null` (or `off`) turns that
 * bucket (or the global limit) off.
 */
export interface RateLimitWindow {
  limit: number;
  window_ms: number;
}

/** Route buckets: which routes share one limit (per major parameter). */
export const BUCKET_NAMES = [
  'users-me',
  'users-me-guilds',
  'gateway-bot',
  'applications-me',
  'guild',
  'guild-channels',
  'guild-members',
  'guild-roles',
  'guild-webhooks',
  'guild-audit-logs',
  'channel',
  'channel-webhooks',
  'channel-messages-read',
  'channel-messages-create',
  'channel-message',
  'reactions',
  'typing',
  'threads',
  'webhook',
  'webhook-token',
  'application-commands',
  'interaction-callback',
] as const;

export type BucketName = (typeof BUCKET_NAMES)[number];

export interface RateLimitProfile {
  /** Per bot token, across all routes except webhook-token routes. Missing = 50/s. */
  global?: RateLimitWindow | null;
  /** Missing buckets keep their DISCORD_RATE_LIMITS value; null turns one off. */
  buckets?: Partial<Record<BucketName, RateLimitWindow | null>>;
}

/** A profile with every value filled in (what the limiter runs with). */
export interface ResolvedRateLimitProfile {
  global: RateLimitWindow | null;
  buckets: Record<BucketName, RateLimitWindow | null>;
}

const per = (limit: number, windowMs: number): RateLimitWindow => ({ limit, window_ms: windowMs });

/** The default profile (`--rate-limits discord`). Keep in sync with docs/sandbox.md, examples/sandbox-rate-limits.yaml and the bucket names in schema/sandbox-rate-limits.schema.json (a test checks). */
export const DISCORD_RATE_LIMITS: ResolvedRateLimitProfile = {
  global: per(50, 1000),
  buckets: {
    'users-me': per(5, 1000), // GET /users/@me
    'users-me-guilds': per(1, 1000), // GET /users/@me/guilds
    'gateway-bot': per(5, 5000), // GET /gateway/bot
    'applications-me': per(5, 1000), // GET /applications/@me, GET /oauth2/applications/@me
    guild: per(5, 1000), // GET /guilds/{guild.id}
    'guild-channels': per(5, 1000), // GET /guilds/{guild.id}/channels
    'guild-members': per(5, 1000), // GET /guilds/{guild.id}/members/{user.id}
    'guild-roles': per(5, 1000), // GET /guilds/{guild.id}/roles
    'guild-webhooks': per(5, 1000), // GET /guilds/{guild.id}/webhooks
    'guild-audit-logs': per(5, 1000), // GET /guilds/{guild.id}/audit-logs
    channel: per(5, 1000), // GET /channels/{channel.id}
    'channel-webhooks': per(5, 2000), // GET + POST /channels/{channel.id}/webhooks (one shared bucket)
    'channel-messages-read': per(5, 1000), // GET /channels/{channel.id}/messages
    'channel-messages-create': per(5, 5000), // POST /channels/{channel.id}/messages
    'channel-message': per(5, 1000), // GET, PATCH, DELETE /channels/{channel.id}/messages/{message.id}
    reactions: per(1, 250), // PUT, DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me
    typing: per(5, 5000), // POST /channels/{channel.id}/typing
    threads: per(5, 5000), // POST /channels/{channel.id}/threads and …/messages/{message.id}/threads
    webhook: per(5, 2000), // GET, PATCH, DELETE /webhooks/{webhook.id}
    'webhook-token': per(5, 2000), // GET, PATCH, DELETE, POST (execute) /webhooks/{webhook.id}/{webhook.token}
    'application-commands': per(5, 5000), // GET, PUT, POST /applications/{application.id}/guilds/{guild.id}/commands
    'interaction-callback': per(5, 5000), // POST /interactions/{interaction.id}/{interaction.token}/callback (not under the global limit)
  },
};

export type RateLimitsOption = 'discord' | 'off' | RateLimitProfile;

const RATE_LIMITS: InputKind = { kind: 'rate-limits', code: 'sandbox_rate_limits_invalid', title: 'invalid sandbox rate-limit profile' };

type RawWindow = RateLimitWindow | null | 'off';

/**
 * A profile given as data (a file or the programmatic API), checked against
 * schema/sandbox-rate-limits.schema.json; what it leaves out keeps DISCORD_RATE_LIMITS' value.
 */
export function parseRateLimitProfile(value: unknown, source: InputSource | string): ResolvedRateLimitProfile {
  const input = checkInput<{ global?: RawWindow; buckets?: Partial<Record<BucketName, RawWindow>> }>(
    value ?? {},
    RATE_LIMITS,
    typeof source === 'string' ? codeSource(source) : source,
  );
  const buckets = { ...DISCORD_RATE_LIMITS.buckets };
  for (const [name, window] of Object.entries(input.buckets ?? {})) buckets[name as BucketName] = toWindow(window);
  return { global: input.global === undefined ? DISCORD_RATE_LIMITS.global : toWindow(input.global), buckets };
}

const toWindow = (window: RawWindow): RateLimitWindow | null =>
  window === null || window === 'off' ? null : { limit: window.limit, window_ms: window.window_ms };

/** Reads `--rate-limits FILE` (YAML or JSON); problems are reported at file:line:col. */
export async function readRateLimitProfile(path: string): Promise<ResolvedRateLimitProfile> {
  const text = await readInputText(path, 'sandbox_rate_limits_unreadable', 'rate-limit profile');
  const { value, source } = parseInputText(text, path, RATE_LIMITS);
  return parseRateLimitProfile(value, source);
}

/** `'off'` → null (no limiting, no rate-limit headers); `'discord'` → the default profile. */
export function resolveRateLimits(option: RateLimitsOption | undefined): ResolvedRateLimitProfile | null {
  if (option === undefined || option === 'discord') return DISCORD_RATE_LIMITS;
  if (option === 'off') return null;
  return parseRateLimitProfile(option, 'rateLimits');
}
