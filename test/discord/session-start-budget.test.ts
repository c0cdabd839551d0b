import { describe, expect, it } from 'vitest';
import { SessionStartBudget } from '../../src/discord/session-start-budget.js';

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

  it('enforces nothing when Discord gives no usable limit', () => {
    expect(SessionStartBudget.from(undefined)).toBeNull();
    expect(SessionStartBudget.from({ total: 1000, remaining: Number.NaN, reset_after: 0 })).toBeNull();
  });
});
