/**
 * Reading Discord's rate-limit headers and 429 bodies
 * (https://discord.com/developers/docs/topics/rate-limits#header-format).
 *
 * `X-RateLimit-Reset-After` (seconds, decimals) is preferred over `X-RateLimit-Reset`
 * (epoch seconds) for timing, because it does not depend on our clock agreeing with
 * Discord's. `X-RateLimit-Reset` is kept only as an opaque window identifier: every response
 * in one server-side window carries the same value, which tells a late response of the
 * previous window apart from the first response of a new one.
 */
export type RateLimitScope = 'user' | 'global' | 'shared';

export interface RateLimitInfo {
  /** `X-RateLimit-Bucket`: routes with the same hash share one limit per major parameter. */
  bucket: string | undefined;
  limit: number | undefined;
  remaining: number | undefined;
  /** From `X-RateLimit-Reset-After`, in milliseconds. */
  resetAfterMs: number | undefined;
  /** `X-RateLimit-Reset` as sent: identifies the server's window. */
  windowId: number | undefined;
  /** `X-RateLimit-Global` present (429 only). */
  global: boolean;
  /** `X-RateLimit-Scope` (429 only). */
  scope: RateLimitScope | undefined;
  /** From the 429 body's `retry_after` (seconds, float), else `Retry-After`; milliseconds. */
  retryAfterMs: number | undefined;
}

export type HeaderBag = Record<string, string | string[] | undefined>;

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function numberHeader(headers: HeaderBag, name: string): number | undefined {
  const raw = headerValue(headers, name);
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.ceil(seconds * 1000);
}

/** `headers` must have lower-case names (undici's do). `body` is the parsed JSON body, if any. */
export function parseRateLimitInfo(headers: HeaderBag, body?: unknown): RateLimitInfo {
  const scopeRaw = headerValue(headers, 'x-ratelimit-scope')?.toLowerCase();
  const scope = scopeRaw === 'user' || scopeRaw === 'global' || scopeRaw === 'shared' ? scopeRaw : undefined;
  const bodyRetry = retryAfterFromBody(body);
  const bodyGlobal = typeof body === 'object' && body !== null && (body as { global?: unknown }).global === true;
  return {
    bucket: headerValue(headers, 'x-ratelimit-bucket') || undefined,
    limit: numberHeader(headers, 'x-ratelimit-limit'),
    remaining: numberHeader(headers, 'x-ratelimit-remaining'),
    resetAfterMs: secondsToMs(numberHeader(headers, 'x-ratelimit-reset-after')),
    windowId: numberHeader(headers, 'x-ratelimit-reset'),
    global: headerValue(headers, 'x-ratelimit-global') !== undefined || scope === 'global' || bodyGlobal,
    scope,
    retryAfterMs: secondsToMs(bodyRetry ?? numberHeader(headers, 'retry-after')),
  };
}

function retryAfterFromBody(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as { retry_after?: unknown }).retry_after;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** True when a response said anything about its bucket. */
export function hasBucketHeaders(info: RateLimitInfo): boolean {
  return info.remaining !== undefined && info.resetAfterMs !== undefined;
}
