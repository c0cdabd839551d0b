import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyNetworkError, isIdempotent } from '../../src/discord/retry.js';

describe('retry policy', () => {
  it('backoff is full jitter within an exponential, capped ceiling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (retry, r) => {
        const delay = backoffDelay(retry, { baseMs: 100, maxMs: 2000 }, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(2000, 100 * 2 ** (retry - 1)));
      }),
    );
  });

  it('only POST is not idempotent', () => {
    expect(['GET', 'PUT', 'PATCH', 'DELETE'].every((m) => isIdempotent(m as 'GET'))).toBe(true);
    expect(isIdempotent('POST')).toBe(false);
  });

  it('connection refused never reached the server; resets may have', () => {
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('not-sent');
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }))).toBe('maybe-sent');
    expect(classifyNetworkError(new Error('x'))).toBe('maybe-sent');
  });
});
