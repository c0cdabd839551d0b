import { describe, expect, it } from 'vitest';
import { resolveGlobalRateLimit, resolveRequestTimeout } from '../../src/discord/client-settings.js';

describe('client settings from the environment', () => {
  it('CORDFORM_GLOBAL_RATE_LIMIT: default, a number, off, and bad values', () => {
    expect(resolveGlobalRateLimit({})).toBeUndefined();
    expect(resolveGlobalRateLimit({ CORDFORM_GLOBAL_RATE_LIMIT: '120' })).toBe(120);
    expect(resolveGlobalRateLimit({ CORDFORM_GLOBAL_RATE_LIMIT: 'off' })).toBe(Number.POSITIVE_INFINITY);
    for (const bad of ['0', '-5', 'fast', '1.5']) {
      expect(() => resolveGlobalRateLimit({ CORDFORM_GLOBAL_RATE_LIMIT: bad })).toThrow(/CORDFORM_GLOBAL_RATE_LIMIT/);
    }
  });

  it('CORDFORM_HTTP_TIMEOUT_MS: default, a number, and bad values', () => {
    expect(resolveRequestTimeout({})).toBeUndefined();
    expect(resolveRequestTimeout({ CORDFORM_HTTP_TIMEOUT_MS: '2500' })).toBe(2500);
    expect(() => resolveRequestTimeout({ CORDFORM_HTTP_TIMEOUT_MS: 'soon' })).toThrow(/CORDFORM_HTTP_TIMEOUT_MS/);
  });
});
