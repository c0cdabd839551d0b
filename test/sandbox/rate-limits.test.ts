import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/sandbox/http/rate-limit.js';
import { DISCORD_RATE_LIMITS, parseRateLimitProfile, type RateLimitProfile } from '../../src/sandbox/http/rate-limit-profile.js';
import { BOT, createWebhook, DEPLOYS, GENERAL, OTHER_BOT, sleep, startTestSandbox, useTestSandbox, type ApiResponse } from './helpers.js';

/** Small route windows, no global limit (so only route buckets can answer 429). */
const profile: RateLimitProfile = parseRateLimitProfile(
  {
    global: null,
    buckets: {
      'channel-webhooks': { limit: 3, window_ms: 300 },
      'webhook-token': { limit: 2, window_ms: 300 },
    },
  },
  'test profile',
);

/** Only the global limit (8 per second) matters for /users/@me here. */
const globalProfile: RateLimitProfile = parseRateLimitProfile(
  { global: { limit: 8, window_ms: 1000 }, buckets: { 'users-me': null } },
  'global test profile',
);

describe('per-route buckets', () => {
  const { sandbox, api } = useTestSandbox({ rateLimits: profile }, { reset: false });

  it('a burst against one bucket gets 429s with Discord\'s headers and body', async () => {
    const burst = await Promise.all(Array.from({ length: 5 }, () => api.get(`/channels/${GENERAL}/webhooks`)));
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const ok = burst.filter((r) => r.status === 200);
    expect(ok.map((r) => r.headers.get('x-ratelimit-remaining')).sort()).toEqual(['0', '1', '2']);
    for (const response of burst) {
      expect(response.headers.get('x-ratelimit-limit')).toBe('3');
      expect(response.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{32}$/);
      const resetAfter = Number(response.headers.get('x-ratelimit-reset-after'));
      expect(resetAfter).toBeGreaterThan(0);
      expect(resetAfter).toBeLessThanOrEqual(0.3);
      const reset = Number(response.headers.get('x-ratelimit-reset'));
      expect(Math.abs(reset - Date.now() / 1000)).toBeLessThan(2);
    }
    const limited = burst.find((r) => r.status === 429)!;
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
    expect(limited.headers.get('x-ratelimit-global')).toBeNull();
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.body).toEqual({ message: 'You are being rate limited.', retry_after: expect.any(Number), global: false });
    expect(limited.body.retry_after).toBeGreaterThan(0);
    expect(limited.body.retry_after).toBeLessThanOrEqual(0.3);

    // Per major parameter: another channel has its own window in the same bucket.
    const other = await api.get(`/channels/${DEPLOYS}/webhooks`);
    expect(other.status).toBe(200);
    expect(other.headers.get('x-ratelimit-bucket')).toBe(limited.headers.get('x-ratelimit-bucket'));
    // And each bot has its own.
    expect((await api.as(OTHER_BOT.token).get(`/channels/${GENERAL}/webhooks`)).status).toBe(200);

    const log = sandbox.requests().filter((e) => e.status === 429);
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(log[0]).toMatchObject({ scope: 'user', bucket: limited.headers.get('x-ratelimit-bucket') });
  });

  it('webhook-token routes are limited per webhook with scope "shared"', async () => {
    await sleep(450);
    const hook = await createWebhook(api, DEPLOYS, 'Exec');
    const anon = api.as(null);
    const burst = await Promise.all(Array.from({ length: 3 }, () => anon.post(`/webhooks/${hook.id}/${hook.token}`, { content: 'x' })));
    const limited = burst.find((r) => r.status === 429)!;
    expect(burst.filter((r) => r.status === 204)).toHaveLength(2);
    expect(limited.headers.get('x-ratelimit-scope')).toBe('shared');
    expect(limited.body.global).toBe(false);
  });

  it('a client that honours Remaining and Reset-After never gets a 429', async () => {
    await sleep(450);
    sandbox.reset();
    const responses: ApiResponse[] = [];
    for (let i = 0; i < 10; i += 1) {
      const response = await api.get(`/channels/${GENERAL}/webhooks`);
      responses.push(response);
      if (response.headers.get('x-ratelimit-remaining') === '0') {
        await sleep(Number(response.headers.get('x-ratelimit-reset-after')) * 1000);
      }
    }
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(sandbox.requests().filter((e) => e.status === 429)).toEqual([]);
  });
});

describe('global limit', () => {
  const { sandbox, api } = useTestSandbox({ rateLimits: globalProfile }, { reset: false });

  it('is per bot token, returns global: true, and does not apply to webhook-token routes', async () => {
    const hook = await createWebhook(api, GENERAL, 'Global');
    const burst = await Promise.all(Array.from({ length: 10 }, () => api.get('/users/@me')));
    const limited = burst.filter((r) => r.status === 429);
    expect(burst.filter((r) => r.status === 200)).toHaveLength(7); // 8 per window, one used by the create
    expect(limited).toHaveLength(3);
    for (const response of limited) {
      expect(response.body).toEqual({ message: 'You are being rate limited.', retry_after: expect.any(Number), global: true });
      expect(response.headers.get('x-ratelimit-global')).toBe('true');
      expect(response.headers.get('x-ratelimit-scope')).toBe('global');
      expect(response.headers.get('retry-after')).toBe('1');
    }
    // The route bucket for users-me is off in this profile: no per-route headers at all.
    expect(burst[0]!.headers.get('x-ratelimit-limit')).toBeNull();
    // Webhook-token routes are outside the bot's global limit; other bots have their own.
    expect((await api.as(null).post(`/webhooks/${hook.id}/${hook.token}`, { content: 'still works' })).status).toBe(204);
    expect((await api.as(OTHER_BOT.token).get('/users/@me')).status).toBe(200);
    expect(sandbox.requests().filter((e) => e.scope === 'global')).toHaveLength(3);
  });
});

describe('profiles', () => {
  it('"discord" (the default) sends rate-limit headers on every API response; "off" sends none', async () => {
    const discord = await startTestSandbox({ rateLimits: 'discord' });
    const off = await startTestSandbox({ rateLimits: 'off' });
    try {
      const limited = await discord.api.post(`/channels/${GENERAL}/webhooks`, { name: '' });
      expect(limited.status).toBe(400);
      expect(limited.headers.get('x-ratelimit-limit')).toBe(String(DISCORD_RATE_LIMITS.buckets['channel-webhooks']!.limit));
      expect(limited.headers.get('x-ratelimit-reset-after')).toBe('2.000');
      const free = await off.api.post(`/channels/${GENERAL}/webhooks`, { name: 'x' });
      expect(free.status).toBe(200);
      expect(free.headers.get('x-ratelimit-limit')).toBeNull();
    } finally {
      await discord.sandbox.close();
      await off.sandbox.close();
    }
  });

  it('rejects malformed profiles with a clear message', () => {
    expect(() => parseRateLimitProfile({ buckets: { nope: null } }, 'f.yaml')).toThrow(/f\.yaml: buckets\.nope: unknown key "nope" \(allowed: users-me, /);
    expect(() => parseRateLimitProfile({ global: { limit: 0, window_ms: 1 } }, 'f.yaml')).toThrow(/f\.yaml: global\.limit: must be an integer >= 1/);
    expect(() => parseRateLimitProfile({ global: { limit: 1 } }, 'f.yaml')).toThrow(/f\.yaml: global\.window_ms: is required/);
    expect(() => parseRateLimitProfile({ global: 3 }, 'f.yaml')).toThrow(/f\.yaml: global: must be \{limit, window_ms\}, null or "off"/);
  });
});

describe('window semantics (fake clock)', () => {
  it('fixed windows: exact Reset-After, full refill at reset, 429s do not count', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(parseRateLimitProfile({ buckets: { webhook: { limit: 2, window_ms: 1000 } } }, 't'), () => now);
    const take = () => limiter.take({ bucket: 'webhook', major: '1', identity: BOT.id });
    expect(take().headers['X-RateLimit-Remaining']).toBe('1');
    now += 250;
    const second = take();
    expect(second.headers['X-RateLimit-Remaining']).toBe('0');
    expect(second.headers['X-RateLimit-Reset-After']).toBe('0.750');
    expect(second.headers['X-RateLimit-Reset']).toBe('1001.000');
    now += 749;
    const third = take();
    expect(third.limited).toEqual({ message: 'You are being rate limited.', retry_after: 0.001, global: false });
    now += 1; // exactly Reset-After after the second request
    const fourth = take();
    expect(fourth.limited).toBeNull();
    expect(fourth.headers['X-RateLimit-Remaining']).toBe('1');
    expect(fourth.headers['X-RateLimit-Reset-After']).toBe('1.000');
  });

  it('the global window counts per bot', () => {
    let now = 0;
    const limiter = new RateLimiter(parseRateLimitProfile({ global: { limit: 2, window_ms: 1000 } }, 't'), () => now);
    expect(limiter.checkGlobal('a')).toBeNull();
    expect(limiter.checkGlobal('a')).toBeNull();
    expect(limiter.checkGlobal('a')?.limited?.global).toBe(true);
    expect(limiter.checkGlobal('b')).toBeNull();
    now = 1000;
    expect(limiter.checkGlobal('a')).toBeNull();
  });
});
