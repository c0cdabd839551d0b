/**
 * The IDENTIFYs a bot has left in Discord's 24-hour session start window, from
 * `GET /gateway/bot` (https://discord.com/developers/docs/events/gateway#session-start-limit-object).
 * Discord resets the bot token when the limit is exceeded, so the gateway client spends one
 * per IDENTIFY and, with none left, waits for the window to reset instead.
 */
export interface SessionStartLimit {
  total: number;
  remaining: number;
  reset_after: number;
}

export type SessionStartVerdict =
  | { ok: true; /** Set once, the first time few are left. */ runningLow?: { remaining: number; total: number } }
  | { ok: false; waitMs: number };

export class SessionStartBudget {
  private warned = false;
  private refreshing: Promise<void> | null = null;

  private constructor(
    private remaining: number,
    private total: number,
    private resetAt: number,
  ) {}

  /** null when Discord's answer carries no usable limit (then nothing is enforced). */
  static from(limit: SessionStartLimit | undefined, now = Date.now()): SessionStartBudget | null {
    if (!usable(limit)) return null;
    return new SessionStartBudget(limit.remaining, limit.total, now + limit.reset_after);
  }

  /**
   * Takes a fresh answer of GET /gateway/bot in place, so every shard of a process that
   * shares this budget sees it (the limit is "global and across all shards").
   */
  reset(limit: SessionStartLimit | undefined, now = Date.now()): void {
    if (!usable(limit)) return;
    this.remaining = limit.remaining;
    this.total = limit.total;
    this.resetAt = now + limit.reset_after;
  }

  /**
   * Re-reads the limit with `read` (GET /gateway/bot) and takes it in place. The shards that
   * share this budget run out together and wait for the same reset, so one read in flight
   * serves them all; a failed read rejects every caller.
   */
  refresh(read: () => Promise<SessionStartLimit>): Promise<void> {
    this.refreshing ??= read()
      .then((limit) => this.reset(limit))
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  /** Spends one IDENTIFY, or says how long to wait for the window to reset. */
  take(now = Date.now()): SessionStartVerdict {
    if (this.remaining <= 0) return { ok: false, waitMs: Math.max(0, this.resetAt - now) };
    this.remaining -= 1;
    if (!this.warned && this.remaining < Math.max(5, this.total * 0.05)) {
      this.warned = true;
      return { ok: true, runningLow: { remaining: this.remaining, total: this.total } };
    }
    return { ok: true };
  }
}

function usable(limit: SessionStartLimit | undefined): limit is SessionStartLimit {
  return limit !== undefined && Number.isFinite(limit.remaining) && Number.isFinite(limit.reset_after);
}
