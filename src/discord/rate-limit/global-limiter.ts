/**
 * The bot-wide limit: Discord allows a bot 50 requests per second across all routes
 * (https://discord.com/developers/docs/topics/rate-limits#global-rate-limit). We stay under
 * it proactively and, after a 429 with `X-RateLimit-Global`, stop every bot-authenticated
 * request until `retry_after` has passed. Webhook-token and interaction routes are not
 * counted (Discord's rule) and never consult this limiter.
 *
 * A request occupies a slot from the moment it is sent until `windowMs` after its answer
 * came back. The server counts a request when it *arrives*, somewhere between our send and
 * our receipt of the answer, and we cannot see when; measuring from the answer is the only
 * choice that is safe whatever the latency (a cold first connection can take far longer
 * than the rest — measuring from the send then lets the 51st request land in the server's
 * first second). The cost is one round trip per window.
 */
export class GlobalLimiter {
  /** Times (ascending) at which finished requests were answered. */
  private readonly finished: number[] = [];
  private head = 0;
  private inFlight = 0;
  private pausedUntil = 0;

  constructor(
    private readonly perSecond: number,
    private readonly windowMs = 1005,
  ) {}

  /** Milliseconds until one more request may go out: 0 now, +∞ when only an answer frees a slot. */
  waitMs(now: number): number {
    if (this.pausedUntil > now) return this.pausedUntil - now;
    if (!Number.isFinite(this.perSecond)) return 0;
    this.prune(now);
    if (this.inFlight + this.finished.length - this.head < this.perSecond) return 0;
    const oldest = this.finished[this.head];
    return oldest === undefined ? Number.POSITIVE_INFINITY : Math.max(1, oldest + this.windowMs - now);
  }

  /** A request was sent. */
  start(): void {
    this.inFlight += 1;
  }

  /** A request sent with `start()` was answered (or failed) at `now`. */
  finish(now: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (Number.isFinite(this.perSecond)) this.finished.push(now);
  }

  /** A global 429: nothing bot-authenticated goes out for `ms`. */
  pause(ms: number, now: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, now + ms);
  }

  private prune(now: number): void {
    while (this.head < this.finished.length && (this.finished[this.head] ?? now) + this.windowMs <= now) this.head += 1;
    if (this.head > 1024) {
      this.finished.splice(0, this.head);
      this.head = 0;
    }
  }
}
