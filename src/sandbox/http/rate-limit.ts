import { createHash } from 'node:crypto';
import type { APIRateLimitBody } from '../../discord/types.js';
import type { BucketName, RateLimitWindow, ResolvedRateLimitProfile } from './rate-limit-profile.js';

/**
 * Discord-style rate limiting (https://discord.com/developers/docs/topics/rate-limits).
 *
 * Fixed windows, exact and deterministic: a bucket's window opens with its first request and
 * ends exactly `window_ms` later, when `Remaining` is back to `Limit`. `Reset-After` is the
 * exact time left (ms precision, never rounded down), so a client that stops at
 * `Remaining: 0` and waits `Reset-After` always lands in a fresh window and never sees a 429.
 * Requests answered with 429 do not use up the window.
 */
export interface BucketRequest {
  bucket: BucketName;
  /** The top-level resource: channel id, guild id, webhook id or `webhook id:token`. */
  major: string;
  /** Whose limit: the bot's user id (scope user) or null for per-resource limits (scope shared). */
  identity: string | null;
}

export interface RateLimitOutcome {
  headers: Record<string, string>;
  /** Set when the request must be answered 429 with this body. */
  limited: APIRateLimitBody | null;
  /** The X-RateLimit-Bucket value, or null when no limit applied. */
  bucketHash: string | null;
}

interface Window {
  count: number;
  resetAt: number;
}

const SWEEP_THRESHOLD = 10_000;

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly hashes = new Map<string, string>();

  constructor(
    private readonly profile: ResolvedRateLimitProfile | null,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.profile !== null;
  }

  /** The global limit for one bot; null when the request may go on. */
  checkGlobal(botId: string): RateLimitOutcome | null {
    const rule = this.profile?.global;
    if (!rule) return null;
    const now = this.now();
    const window = this.window(`global:${botId}`, rule, now);
    if (window.count < rule.limit) {
      window.count += 1;
      return null;
    }
    const retryAfter = seconds(window.resetAt - now);
    return {
      bucketHash: null,
      headers: {
        'Retry-After': String(Math.max(1, Math.ceil(retryAfter))),
        'X-RateLimit-Global': 'true',
        'X-RateLimit-Scope': 'global',
      },
      limited: { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
    };
  }

  /** Takes one request from the route bucket; always returns the headers to send. */
  take(request: BucketRequest): RateLimitOutcome {
    const rule = this.profile?.buckets[request.bucket];
    if (!rule) return { headers: {}, limited: null, bucketHash: null };
    const now = this.now();
    const key = `${request.bucket}:${request.major}:${request.identity ?? '*'}`;
    const window = this.window(key, rule, now);
    const limited = window.count >= rule.limit;
    if (!limited) window.count += 1;
    const resetAfter = seconds(window.resetAt - now);
    const hash = this.hash(request.bucket);
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(rule.limit),
      'X-RateLimit-Remaining': String(Math.max(0, rule.limit - window.count)),
      'X-RateLimit-Reset': (window.resetAt / 1000).toFixed(3),
      'X-RateLimit-Reset-After': resetAfter.toFixed(3),
      'X-RateLimit-Bucket': hash,
    };
    if (!limited) return { headers, limited: null, bucketHash: hash };
    headers['Retry-After'] = String(Math.max(1, Math.ceil(resetAfter)));
    headers['X-RateLimit-Scope'] = request.identity === null ? 'shared' : 'user';
    return {
      headers,
      bucketHash: hash,
      limited: {
        message: request.identity === null ? 'The resource is being rate limited.' : 'You are being rate limited.',
        retry_after: resetAfter,
        global: false,
      },
    };
  }

  private window(key: string, rule: RateLimitWindow, now: number): Window {
    let window = this.windows.get(key);
    if (!window || now >= window.resetAt) {
      if (!window && this.windows.size >= SWEEP_THRESHOLD) this.sweep(now);
      window = { count: 0, resetAt: now + rule.window_ms };
      this.windows.set(key, window);
    }
    return window;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (now >= window.resetAt) this.windows.delete(key);
  }

  /** An opaque per-bucket hash, the same for every major parameter (as Discord's). */
  private hash(bucket: BucketName): string {
    let hash = this.hashes.get(bucket);
    if (!hash) {
      hash = createHash('md5').update(`cordform-sandbox/${bucket}`).digest('hex');
      this.hashes.set(bucket, hash);
    }
    return hash;
  }
}

/** Milliseconds → seconds with millisecond precision (Discord sends floats). */
function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms)) / 1000;
}
