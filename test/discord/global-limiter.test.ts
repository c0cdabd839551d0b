import { describe, expect, it } from 'vitest';
import { GlobalLimiter } from '../../src/discord/rate-limit/global-limiter.js';

describe('GlobalLimiter', () => {
  it('frees a slot one window after the answer, not after the send', () => {
    const limiter = new GlobalLimiter(2, 1000);
    expect(limiter.waitMs(0)).toBe(0);
    limiter.start();
    limiter.start();
    // Both in flight: only an answer can free a slot.
    expect(limiter.waitMs(10)).toBe(Number.POSITIVE_INFINITY);
    limiter.finish(300); // a slow (cold) answer: the server may have counted it as late as 300
    limiter.finish(310);
    expect(limiter.waitMs(1000)).toBe(300);
    expect(limiter.waitMs(1300)).toBe(0);
  });

  it('pauses for a global 429', () => {
    const limiter = new GlobalLimiter(50);
    limiter.pause(200, 0);
    expect(limiter.waitMs(50)).toBe(150);
    expect(limiter.waitMs(200)).toBe(0);
  });

  it('an infinite limit never waits', () => {
    const limiter = new GlobalLimiter(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 100; i += 1) limiter.start();
    expect(limiter.waitMs(0)).toBe(0);
  });
});
