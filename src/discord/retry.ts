import type { HttpMethod } from './rate-limit/route-key.js';

/**
 * When a failed attempt is tried again. Idempotent methods (GET, PUT, PATCH, DELETE) are
 * retried on 5xx (and a proxy's 408), connection resets and timeouts; a POST only when the request certainly
 * never reached Discord (connection refused, DNS failure) — otherwise its outcome is
 * unknown and the caller must re-read state. 429s are handled by the rate limiter, not here.
 */
export interface BackoffOptions {
  /** First retry waits up to this (full jitter). */
  baseMs: number;
  /** No single wait exceeds this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 10_000 };

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^(retry-1))]. */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

export function isIdempotent(method: HttpMethod): boolean {
  return method !== 'POST';
}

/** How an attempt failed without an HTTP answer. */
export type NetworkFailureKind =
  /** Never reached the server: safe to retry any method. */
  | 'not-sent'
  /** Reset, closed, or timed out after sending: may have been applied. */
  | 'maybe-sent';

const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function classifyNetworkError(error: unknown): NetworkFailureKind {
  const code = errorCode(error);
  return code !== undefined && NOT_SENT_CODES.has(code) ? 'not-sent' : 'maybe-sent';
}

/** The errno/undici code of `error` or of its cause. */
export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * 5xx, and 408: Discord does not send 408, but a shared rate-limit proxy in front of it
 * does when Discord is slower than the proxy's timeout (nirn-proxy's REQUEST_TIMEOUT) —
 * the request may have been applied, exactly like a 5xx or an attempt timeout.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || (status >= 500 && status <= 599);
}
