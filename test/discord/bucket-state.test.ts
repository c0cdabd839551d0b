import { describe, expect, it } from 'vitest';
import { BucketState } from '../../src/discord/rate-limit/bucket-state.js';
import type { RateLimitInfo } from '../../src/discord/rate-limit/rate-limit-headers.js';

const info = (remaining: number, resetAfterMs: number, windowId?: number, limit = 3): RateLimitInfo => ({
  bucket: 'h',
  limit,
  remaining,
  resetAfterMs,
  windowId,
  global: false,
  scope: undefined,
  retryAfterMs: undefined,
});

describe('BucketState', () => {
  it('lets one request through while unknown', () => {
    const state = new BucketState(0);
    expect(state.reserve(0).kind).toBe('sent');
    expect(state.reserve(0).kind).toBe('await-response');
    state.release();
    state.update(info(2, 100, 1), 10);
    expect(state.reserve(10).kind).toBe('sent');
    expect(state.reserve(10).kind).toBe('sent');
    expect(state.reserve(10)).toEqual({ kind: 'wait', ms: 100 });
  });

  it('starts a new window after reset, minus what is still in flight', () => {
    const state = new BucketState(0);
    state.reserve(0);
    state.release();
    state.update(info(2, 100, 1), 0);
    state.reserve(0);
    state.reserve(0); // two in flight, none left
    expect(state.reserve(150).kind).toBe('sent'); // new window: 3 - 2 in flight = 1
    expect(state.reserve(150).kind).toBe('await-response');
  });

  it('ignores late responses from a window it already left', () => {
    const state = new BucketState(0);
    state.reserve(0);
    state.release();
    state.update(info(2, 100, 1), 0);
    state.reserve(0);
    state.reserve(120); // rolled over: remaining 3 - 1 - 1
    state.release();
    state.update(info(0, 0, 1), 125); // the old window's last answer
    expect(state.remaining).toBe(1);
    state.release();
    state.update(info(2, 100, 2), 126); // first answer of the new window
    expect(state.remaining).toBe(2);
    expect(state.resetAt).toBe(226);
  });

  it('trusts a lower Remaining from the server within the same window', () => {
    const state = new BucketState(0);
    state.reserve(0);
    state.release();
    state.update(info(2, 100, 1), 0);
    state.reserve(1);
    state.release();
    state.update(info(0, 99, 1), 2); // someone else spent the rest
    expect(state.reserve(3)).toEqual({ kind: 'wait', ms: 97 });
  });

  it('pauses after a 429', () => {
    const state = new BucketState(0);
    state.pause(50, 0);
    expect(state.reserve(10)).toEqual({ kind: 'wait', ms: 40 });
    expect(state.reserve(50).kind).toBe('sent');
  });
});
