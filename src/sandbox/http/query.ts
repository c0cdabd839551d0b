import { isSnowflake } from '../store/snowflake.js';
import { FieldErrors, type FormErrors } from './errors.js';

/**
 * Query-string parameters with Discord's 50035 errors: snowflakes (`before`, `after`,
 * `user_id`…) and integers such as `limit` with its range. A bad value adds its error and
 * reads as absent (or the default), so the caller throws once with every error.
 */
export function querySnowflake(query: URLSearchParams, name: string, errors: FormErrors): string | null {
  const value = query.get(name);
  if (value === null || isSnowflake(value)) return value;
  errors.add([name], FieldErrors.notSnowflake(value));
  return null;
}

export function queryInteger(query: URLSearchParams, name: string, errors: FormErrors): number | null {
  const value = query.get(name);
  if (value === null) return null;
  if (/^-?\d+$/.test(value)) return Number(value);
  errors.add([name], FieldErrors.notInt(value));
  return null;
}

/** Discord's boolean query strings: "true"/"True"/"1" (https://discord.com/developers/docs/reference#boolean-query-strings). */
export function queryFlag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  return value !== null && ['true', '1'].includes(value.toLowerCase());
}

/** `limit`: an integer from 1 to `max`, `fallback` when absent. */
export function queryLimit(query: URLSearchParams, errors: FormErrors, max: number, fallback: number): number {
  const limit = queryInteger(query, 'limit', errors);
  if (limit === null) return fallback;
  if (limit < 1) errors.add(['limit'], FieldErrors.numberMin(1));
  else if (limit > max) errors.add(['limit'], FieldErrors.numberMax(max));
  else return limit;
  return fallback;
}
