import { CordformError } from '../errors.js';

/**
 * The per-attempt deadline of every Discord request (headers and body), from
 * CORDFORM_HTTP_TIMEOUT_MS; undefined = the client's default (15 s). A request that misses
 * it is retried when idempotent, and reported as outcome-unknown when it is a create.
 */
export const TIMEOUT_ENV = 'CORDFORM_HTTP_TIMEOUT_MS';

export function resolveRequestTimeout(env: Record<string, string | undefined>): number | undefined {
  const raw = env[TIMEOUT_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < 1 || value > 600_000) {
    throw new CordformError('config_invalid', `${TIMEOUT_ENV} must be a whole number of milliseconds from 1 to 600000, got "${raw}"`);
  }
  return value;
}

/**
 * The proactive global limit of bot requests per second, from CORDFORM_GLOBAL_RATE_LIMIT:
 * Discord's documented 50/s by default; a bot Discord has granted more can say so, and
 * `off` disables it for endpoints without a global limit (the sandbox with
 * `--rate-limits off`). Per-route buckets are honoured either way.
 */
export const GLOBAL_LIMIT_ENV = 'CORDFORM_GLOBAL_RATE_LIMIT';

export function resolveGlobalRateLimit(env: Record<string, string | undefined>): number | undefined {
  const raw = env[GLOBAL_LIMIT_ENV]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'off') return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new CordformError('config_invalid', `${GLOBAL_LIMIT_ENV} must be a whole number of requests per second or "off", got "${raw}"`);
  }
  return Number(raw);
}
