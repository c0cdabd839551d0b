import { describe, expect, it } from 'vitest';
import { SessionStartBudget, type SessionStartLimit } from '../../src/discord/session-start-budget.js';

describe('SessionStartBudget', () => {
  it('spends one per IDENTIFY, warns once when fewer than 5% (at least 5) are left, then says how long to wait', () => {
    const budget = SessionStartBudget.from({ total: 100, remaining: 7, reset_after: 60_000 }, 0)!;
    expect(budget.take(0)).toEqual({ ok: true });
    expect(budget.take(0)).toEqual({ ok: true });
    expect(budget.take(0)).toEqual({ ok: true, runningLow: { remaining: 4, total: 100 } });
    for (let i = 0; i < 4; i++) expect(budget.take(0).ok).toBe(true);
    expect(budget.take(10_000)).toEqual({ ok: false, waitMs: 50_000 });
    expect(budget.take(70_000)).toEqual({ ok: false, waitMs: 0 });
  });

  it('refresh: the shards sharing a budget wait on one read in flight, and take the fresh limit together', async () => {
    const budget = SessionStartBudget.from({ total: 10, remaining: 0, reset_after: 60_000 }, 0)!;
    let reads = 0;
    let answer!: (limit: SessionStartLimit) => void;
    const read = () => {
      reads += 1;
      return new Promise<SessionStartLimit>((resolve) => {
        answer = resolve;
      });
    };
    const waiting = Promise.all([budget.refresh(read), budget.refresh(read), budget.refresh(read)]);
    answer({ total: 10, remaining: 2, reset_after: 60_000 });
    await waiting;
    expect(reads).toBe(1);
    expect([budget.take().ok, budget.take().ok, budget.take().ok]).toEqual([true, true, false]);

    // Once settled, the next refresh reads again; a failed read rejects every waiter.
    const failing = () => {
      reads += 1;
      return Promise.reject(new Error('503'));
    };
    const results = await Promise.allSettled([budget.refresh(failing), budget.refresh(failing)]);
    expect(reads).toBe(2);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('enforces nothing when Discord gives no usable limit', () => {
    expect(SessionStartBudget.from(undefined)).toBeNull();
    expect(SessionStartBudget.from({ total: 1000, remaining: Number.NaN, reset_after: 0 })).toBeNull();
  });
});
