/**
 * The per-token rate limit of `POST /v1/actions`: each callback token has a bucket of
 * `burst` requests that refills at `perSecond`; a request with none left is answered 429
 * with Retry-After. A target acting on one invocation needs a handful of calls (progress,
 * then the result); anything faster is a loop or abuse, and must not turn this runtime
 * into an amplifier against Discord's own limits.
 *
 * Buckets live as long as their token and at most `maxTracked` at once: past that, expired
 * buckets go first, then the oldest (which only lets that token start a fresh burst). The
 * sweep for expired buckets walks them all, so it runs at most once per SWEEP_INTERVAL_MS;
 * in between, a full map evicts its oldest bucket (Map keeps insertion order).
 */
export interface TokenRateLimitOptions {
  burst?: number;
  perSecond?: number;
  maxTracked?: number;
  now?: () => number;
}

const SWEEP_INTERVAL_MS = 1000;

interface Bucket {
  tokens: number;
  at: number;
  expiresAt: number;
}

export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

export class TokenRateLimit {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly perSecond: number;
  private readonly maxTracked: number;
  private readonly now: () => number;
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(options: TokenRateLimitOptions = {}) {
    this.burst = options.burst ?? 5;
    this.perSecond = options.perSecond ?? 1;
    this.maxTracked = options.maxTracked ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Spends one request of the token identified by `id` (its nonce). */
  take(id: string, expiresAt: number): RateVerdict {
    const now = this.now();
    const bucket = this.buckets.get(id) ?? this.track(id, { tokens: this.burst, at: now, expiresAt });
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return { ok: false, retryAfterSeconds: Math.ceil((1 - bucket.tokens) / this.perSecond) };
    bucket.tokens -= 1;
    return { ok: true };
  }

  private track(id: string, bucket: Bucket): Bucket {
    if (this.buckets.size >= this.maxTracked) this.evict();
    this.buckets.set(id, bucket);
    return bucket;
  }

  private evict(): void {
    const now = this.now();
    if (now - this.sweptAt >= SWEEP_INTERVAL_MS) {
      this.sweptAt = now;
      for (const [id, bucket] of this.buckets) if (bucket.expiresAt <= now) this.buckets.delete(id);
    }
    if (this.buckets.size < this.maxTracked) return;
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }
}
