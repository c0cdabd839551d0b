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
