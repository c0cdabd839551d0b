/**
 * Discord's session start limit (https://discord.com/developers/docs/events/gateway#session-start-limit-object):
 * a bot may IDENTIFY `total` times (1000 by default) per 24 hours; RESUME does not count.
 * "Upon hitting this limit, all active sessions for the bot will be terminated, the bot's
 * token will be reset" — the sandbox does both (see server.ts). The window starts at a bot's
 * first IDENTIFY, and `GET /gateway/bot` reports what is left. `max_concurrency` IDENTIFYs may
 * start per 5 s, one per `shard_id % max_concurrency` key
 * (https://discord.com/developers/docs/events/gateway#sharding-max-concurrency).
 */
import { IDENTIFY_INTERVAL_MS, rateLimitKey } from '../../discord/sharding.js';

const SESSION_START_WINDOW_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_SESSION_START_TOTAL = 1000;

export interface SessionStartSnapshot {
  total: number;
  remaining: number;
  /** Milliseconds until `remaining` is back to `total`. */
  reset_after: number;
  max_concurrency: number;
}

export class SessionStartLimiter {
  private readonly used = new Map<string, { count: number; windowStart: number }>();
  /** Last IDENTIFY per bot and rate-limit key (`shard_id % max_concurrency`). */
  private readonly lastIdentify = new Map<string, number>();

  constructor(
    private readonly limitsFor: (botUserId: string) => { total: number; maxConcurrency: number },
    private readonly windowMs = SESSION_START_WINDOW_MS,
    private readonly now: () => number = Date.now,
    /** `max_concurrency` counts IDENTIFYs "per 5 seconds". */
    private readonly identifyIntervalMs = IDENTIFY_INTERVAL_MS,
  ) {}

  snapshot(botUserId: string): SessionStartSnapshot {
    const { total, maxConcurrency } = this.limitsFor(botUserId);
    const window = this.current(botUserId);
    return {
      total,
      remaining: Math.max(0, total - (window?.count ?? 0)),
      reset_after: window ? Math.max(0, window.windowStart + this.windowMs - this.now()) : this.windowMs,
      max_concurrency: maxConcurrency,
    };
  }

  /** Forgets every count (a sandbox reset). */
  clear(): void {
    this.used.clear();
    this.lastIdentify.clear();
  }

  /**
   * The concurrency part of the limit: true (and counted) when no IDENTIFY of the same
   * rate-limit key came within the interval; false means op 9, "If you hit this limit, the
   * Gateway will respond with an Invalid Session".
   */
  tryIdentify(botUserId: string, shardId: number): boolean {
    const key = `${botUserId}:${rateLimitKey(shardId, this.limitsFor(botUserId).maxConcurrency)}`;
    const now = this.now();
    const previous = this.lastIdentify.get(key);
    if (previous !== undefined && now - previous < this.identifyIntervalMs) return false;
    this.lastIdentify.set(key, now);
    return true;
  }

  /** Counts one IDENTIFY; false (nothing counted) when the bot has none left in this window. */
  tryStart(botUserId: string): boolean {
    const window = this.current(botUserId) ?? { count: 0, windowStart: this.now() };
    if (window.count >= this.limitsFor(botUserId).total) return false;
    window.count += 1;
    this.used.set(botUserId, window);
    return true;
  }

  private current(botUserId: string): { count: number; windowStart: number } | undefined {
    const window = this.used.get(botUserId);
    if (window && this.now() - window.windowStart >= this.windowMs) {
      this.used.delete(botUserId);
      return undefined;
    }
    return window;
  }
}
