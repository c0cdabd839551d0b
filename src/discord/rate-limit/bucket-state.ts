import type { RateLimitInfo } from './rate-limit-headers.js';

/**
 * What we know about one rate-limit bucket (bucket hash × major parameter), kept so that we
 * never send a request the bucket would refuse.
 *
 * - Unknown (no response yet): one request in flight at a time, so the first response can
 *   tell us the limits before we spend more than one request.
 * - Known: `remaining` is reserved on send and corrected from each response. When the local
 *   reset time passes we start a new window with `limit - inFlight` (requests still in flight
 *   may land in the new server window), and its reset time is unknown until a response of
 *   the new window arrives — if the new window's allowance runs out before that, we wait for
 *   a response rather than a timer.
 * - Estimates err on the safe side: `receivedAt + Reset-After` is never earlier than the
 *   server's reset (the response left the server before we read it), plus `safetyMs`.
 */
export type Reservation = { kind: 'sent' } | { kind: 'wait'; ms: number } | { kind: 'await-response' };

/** Responses whose computed reset differs by more than this are treated as a new window
 * when the server sends no `X-RateLimit-Reset` to identify windows. */
const WINDOW_TOLERANCE_MS = 25;

export class BucketState {
  known = false;
  limit = Number.POSITIVE_INFINITY;
  remaining = Number.POSITIVE_INFINITY;
  /** Local (performance.now) time the current window ends; null while awaiting the first
   * response of a window we rolled into locally. */
  resetAt: number | null = null;
  /** The server window we last heard about (X-RateLimit-Reset) and its computed end. */
  private windowId: number | undefined;
  private windowEnd: number | null = null;
  private pausedUntil = 0;
  inFlight = 0;
  /** Set when this state was merged into another (a route's bucket hash became known). */
  mergedInto: BucketState | undefined;

  constructor(private readonly safetyMs = 5) {}

  /** Follows merges to the live state. */
  resolve(): BucketState {
    let state: BucketState = this;
    while (state.mergedInto) state = state.mergedInto;
    return state;
  }

  /** Reserves one request if the bucket allows it now. */
  reserve(now: number): Reservation {
    if (this.pausedUntil > now) return { kind: 'wait', ms: this.pausedUntil - now };
    if (!this.known) return this.inFlight === 0 ? this.take() : { kind: 'await-response' };
    if (this.resetAt !== null && now >= this.resetAt) {
      // Our window is over: start the next one with what cannot already be spent.
      this.remaining = Math.max(0, this.limit - this.inFlight);
      this.resetAt = null;
    }
    if (this.remaining > 0) {
      this.remaining -= 1;
      return this.take();
    }
    if (this.resetAt !== null) return { kind: 'wait', ms: this.resetAt - now };
    if (this.inFlight > 0) return { kind: 'await-response' };
    // Rolled over, nothing in flight, and still no allowance (responses lost): probe once.
    return this.take();
  }

  private take(): Reservation {
    this.inFlight += 1;
    return { kind: 'sent' };
  }

  /** A reserved request finished (any outcome). */
  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** Applies a response's headers. Call after `release()` of that response's reservation. */
  update(info: RateLimitInfo, now: number): void {
    if (info.remaining === undefined || info.resetAfterMs === undefined) return;
    this.known = true;
    if (info.limit !== undefined) this.limit = Math.max(1, info.limit);
    const end = now + info.resetAfterMs + this.safetyMs;
    const age = this.windowAge(info, end);
    if (age === 'stale') return;
    if (age === 'new') {
      this.windowId = info.windowId;
      this.windowEnd = end;
      this.resetAt = end;
      // Requests still in flight may be counted in this window too.
      this.remaining = Math.max(0, info.remaining - this.inFlight);
      return;
    }
    // Same window as the one we are in: the server may know of requests we don't.
    this.remaining = Math.min(this.remaining, info.remaining);
    if (this.resetAt !== null) this.resetAt = Math.min(this.resetAt, end);
    if (this.windowEnd !== null) this.windowEnd = Math.min(this.windowEnd, end);
  }

  private windowAge(info: RateLimitInfo, end: number): 'new' | 'current' | 'stale' {
    if (this.windowEnd === null) return 'new';
    const sameAsKnown =
      info.windowId !== undefined && this.windowId !== undefined
        ? compareWindows(info.windowId, this.windowId)
        : end > this.windowEnd + WINDOW_TOLERANCE_MS
          ? 1
          : end < this.windowEnd - WINDOW_TOLERANCE_MS
            ? -1
            : 0;
    if (sameAsKnown > 0) return 'new';
    if (sameAsKnown < 0) return 'stale';
    // A response from the window we already rolled out of locally tells us nothing new.
    return this.resetAt === null ? 'stale' : 'current';
  }

  /** No rate-limit headers on a successful response: the route is not limited. */
  markUnlimited(): void {
    if (this.known) return;
    this.known = true;
    this.limit = Number.POSITIVE_INFINITY;
    this.remaining = Number.POSITIVE_INFINITY;
  }

  /** A 429 for this bucket: nothing goes out before `ms` has passed. */
  pause(ms: number, now: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, now + ms + this.safetyMs);
  }

  /** Nothing in flight, not paused, window over: forgetting it loses nothing unsafe. */
  isIdle(now: number): boolean {
    return this.inFlight === 0 && this.pausedUntil <= now && (this.resetAt === null || this.resetAt <= now);
  }

  /** Folds this (unknown-hash) state into the state of the bucket it turned out to be. */
  mergeInto(target: BucketState): void {
    target.inFlight += this.inFlight;
    target.pausedUntil = Math.max(target.pausedUntil, this.pausedUntil);
    this.inFlight = 0;
    this.mergedInto = target;
  }
}

function compareWindows(a: number, b: number): number {
  return a === b ? 0 : a > b ? 1 : -1;
}
