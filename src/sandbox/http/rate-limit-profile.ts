import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { CordformError } from '../../errors.js';

/**
 * The sandbox's rate limits. Discord publishes only the global limit (50 requests/s per bot,
 * https://discord.com/developers/docs/topics/rate-limits#global-rate-limit) and tells clients
 * to read the headers instead of hard-coding values; per-route limits below are conservative
 * choices close to what Discord is observed to send. Each window is fixed: it opens with the
 * first request in the bucket and resets `window_ms` later to the full `limit`.
 *
 * The same shape is accepted from a YAML/JSON file (`--rate-limits FILE`, see
 * examples/sandbox-rate-limits.yaml); a bucket missing from a file keeps its value from
 * this profile, and `null` turns that bucket (or the global limit) off.
 */
export interface RateLimitWindow {
  limit: number;
  window_ms: number;
}

/** Route buckets: which routes share one limit (per major parameter). */
export const BUCKET_NAMES = [
  'users-me',
  'gateway-bot',
  'guild',
  'guild-channels',
  'guild-members',
  'guild-webhooks',
  'channel-webhooks',
  'channel-messages-read',
  'channel-messages-create',
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

/** The default profile (`--rate-limits discord`). Keep in sync with README and examples/sandbox-rate-limits.yaml. */
export const DISCORD_RATE_LIMITS: ResolvedRateLimitProfile = {
  global: per(50, 1000),
  buckets: {
    'users-me': per(5, 1000), // GET /users/@me
    'gateway-bot': per(5, 5000), // GET /gateway/bot
    guild: per(5, 1000), // GET /guilds/{guild.id}
    'guild-channels': per(5, 1000), // GET /guilds/{guild.id}/channels
    'guild-members': per(5, 1000), // GET /guilds/{guild.id}/members/{user.id}
    'guild-webhooks': per(5, 1000), // GET /guilds/{guild.id}/webhooks
    'channel-webhooks': per(5, 2000), // GET + POST /channels/{channel.id}/webhooks (one shared bucket)
    'channel-messages-read': per(5, 1000), // GET /channels/{channel.id}/messages
    'channel-messages-create': per(5, 5000), // POST /channels/{channel.id}/messages
    webhook: per(5, 2000), // GET, PATCH, DELETE /webhooks/{webhook.id}
    'webhook-token': per(5, 2000), // GET, PATCH, DELETE, POST (execute) /webhooks/{webhook.id}/{webhook.token}
    'application-commands': per(5, 5000), // GET, PUT, POST /applications/{application.id}/guilds/{guild.id}/commands
    'interaction-callback': per(5, 5000), // POST /interactions/{interaction.id}/{interaction.token}/callback (not under the global limit)
  },
};

export type RateLimitsOption = 'discord' | 'off' | RateLimitProfile;

/** Validates a profile given as data (from a file or the programmatic API). */
export function parseRateLimitProfile(value: unknown, source: string): ResolvedRateLimitProfile {
  const fail = (message: string): never => {
    throw new CordformError('sandbox_rate_limits_invalid', `${source}: ${message}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('must be a mapping with `global` and `buckets`');
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (key !== 'global' && key !== 'buckets') fail(`unknown key "${key}" (allowed: global, buckets)`);
  }
  const global = input.global === undefined ? DISCORD_RATE_LIMITS.global : parseWindow(input.global, 'global', fail);
  const buckets = { ...DISCORD_RATE_LIMITS.buckets };
  if (input.buckets !== undefined) {
    if (typeof input.buckets !== 'object' || input.buckets === null || Array.isArray(input.buckets)) {
      fail('`buckets` must be a mapping of bucket name to {limit, window_ms}');
    }
    for (const [name, window] of Object.entries(input.buckets as Record<string, unknown>)) {
      if (!(BUCKET_NAMES as readonly string[]).includes(name)) {
        fail(`unknown bucket "${name}" (known: ${BUCKET_NAMES.join(', ')})`);
      }
      buckets[name as BucketName] = parseWindow(window, `buckets.${name}`, fail);
    }
  }
  return { global, buckets };
}

function parseWindow(value: unknown, path: string, fail: (message: string) => never): RateLimitWindow | null {
  if (value === null || value === 'off') return null;
  if (typeof value !== 'object' || Array.isArray(value)) return fail(`${path} must be {limit, window_ms} or null`);
  const window = value as Record<string, unknown>;
  for (const key of Object.keys(window)) {
    if (key !== 'limit' && key !== 'window_ms') fail(`${path}: unknown key "${key}" (allowed: limit, window_ms)`);
  }
  const { limit, window_ms: windowMs } = window;
  if (!Number.isInteger(limit) || (limit as number) < 1) fail(`${path}.limit must be an integer >= 1`);
  if (!Number.isInteger(windowMs) || (windowMs as number) < 1) fail(`${path}.window_ms must be an integer >= 1 (milliseconds)`);
  return { limit: limit as number, window_ms: windowMs as number };
}

/** Reads `--rate-limits FILE` (YAML or JSON). */
export async function readRateLimitProfile(path: string): Promise<ResolvedRateLimitProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CordformError('sandbox_rate_limits_unreadable', `cannot read rate-limit profile ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new CordformError('sandbox_rate_limits_invalid', `${path}: ${(error as Error).message}`);
  }
  return parseRateLimitProfile(value, path);
}

/** `'off'` → null (no limiting, no rate-limit headers); `'discord'` → the default profile. */
export function resolveRateLimits(option: RateLimitsOption | undefined): ResolvedRateLimitProfile | null {
  if (option === undefined || option === 'discord') return DISCORD_RATE_LIMITS;
  if (option === 'off') return null;
  return parseRateLimitProfile(option, 'rateLimits');
}
