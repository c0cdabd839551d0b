import { afterEach, describe, expect, it } from 'vitest';
import { DiscordApiError, DiscordNetworkError, DiscordRequestNotSent, DiscordRequestOutcomeUnknown } from '../../src/discord/discord-api-error.js';
import { DiscordRestClient } from '../../src/discord/rest-client.js';
import { eventually } from '../support/eventually.js';
import { majorOf, startPeer, type Peer, type PeerOptions } from './support/discord-peer.js';

/** 429s, retries, resets, timeouts and 401 against a real HTTP peer. */
const TOKEN = 'bot-token-for-tests-0123456789';
const CH1 = '100000000000000002';
const CH2 = '100000000000000003';

let peer: Peer | undefined;
let client: DiscordRestClient | undefined;
afterEach(async () => {
  await client?.close();
  await peer?.close();
  client = undefined;
  peer = undefined;
});

async function setup(options: PeerOptions, extra: Partial<ConstructorParameters<typeof DiscordRestClient>[0]> = {}) {
  peer = await startPeer(options);
  client = new DiscordRestClient({ apiBase: peer.apiBase, token: TOKEN, backoff: { baseMs: 20, maxMs: 80 }, ...extra });
  return { peer, api: client };
}

const rejection = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (e: unknown) => e);

describe('429 handling', () => {
  it('a global 429 pauses every bot request for retry_after', async () => {
    let sentGlobal = false;
    let seen429: () => void = () => {};
    const got429 = new Promise<void>((resolve) => (seen429 = resolve));
    const { peer, api } = await setup(
      {
        respond: (r) => {
          if (!sentGlobal && r.path === '/users/@me') {
            sentGlobal = true;
            return {
              status: 429,
              headers: { 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global', 'retry-after': '1' },
              body: { message: 'You are being rate limited.', retry_after: 0.2, global: true },
            };
          }
          return undefined;
        },
      },
      { onResponse: (info) => (info.status === 429 ? seen429() : undefined) },
    );
    const me = api.getCurrentUser();
    await got429;
    const limitedAt = performance.now();
    const others = [api.getChannelWebhooks(CH1), api.getGuildWebhooks('100000000000000001')];
    const token = api.executeWebhook('42', 'webhook-token-abcdef', { content: 'not paused' });
    await Promise.all([me, ...others, token]);
    const after = (path: string) => (peer.requests.find((r) => r.path === path)?.at ?? 0) - limitedAt;
    // retry_after is counted from the 429's arrival, a moment before `limitedAt`.
    expect(after(`/channels/${CH1}/webhooks`)).toBeGreaterThanOrEqual(150);
    expect(after('/guilds/100000000000000001/webhooks')).toBeGreaterThanOrEqual(150);
    const retried = peer.requests.filter((r) => r.path === '/users/@me');
    expect(retried).toHaveLength(2);
    expect((retried[1]?.at ?? 0) - (retried[0]?.at ?? 0)).toBeGreaterThanOrEqual(199);
    // Webhook-token routes are not under the bot's global limit.
    expect(after('/webhooks/42/webhook-token-abcdef')).toBeLessThan(150);
    expect(api.stats()).toMatchObject({ responses429: 1, retries: 1 });
  });

  it('a shared-scope 429 pauses that bucket only', async () => {
    let shared = false;
    const { peer, api } = await setup({
      respond: (r) => {
        if (!shared && r.path.includes(CH1)) {
          shared = true;
          return {
            status: 429,
            headers: { 'x-ratelimit-scope': 'shared', 'retry-after': '1' },
            body: { message: 'The resource is being rate limited.', retry_after: 0.5, global: false },
          };
        }
        return undefined;
      },
    });
    const started = performance.now();
    const [, other] = await Promise.all([
      api.getChannelWebhooks(CH1).then(() => performance.now() - started),
      api.getChannelWebhooks(CH2).then(() => performance.now() - started),
    ]);
    const retries = peer.requests.filter((r) => r.path.includes(CH1));
    expect(retries).toHaveLength(2);
    expect((retries[1]?.at ?? 0) - (retries[0]?.at ?? 0)).toBeGreaterThanOrEqual(495);
    // The other bucket is not paused (with margin for a loaded CI machine).
    expect(other).toBeLessThan(400);
  });

  it('gives up after max429Retries with a DiscordApiError 429', async () => {
    const { peer, api } = await setup(
      { respond: () => ({ status: 429, body: { message: 'slow down', retry_after: 0.001, global: false } }) },
      { max429Retries: 3 },
    );
    const error = await rejection(api.getWebhook('5'));
    expect(error).toBeInstanceOf(DiscordApiError);
    expect((error as DiscordApiError).status).toBe(429);
    expect(peer.requests).toHaveLength(4);
    expect(api.stats().responses429).toBe(4);
  });

  it('retries a POST that was answered 429 (it was not processed)', async () => {
    let once = false;
    const { peer, api } = await setup({
      respond: () => {
        if (once) return undefined;
        once = true;
        return { status: 429, headers: { 'x-ratelimit-scope': 'user' }, body: { message: 'x', retry_after: 0.02, global: false } };
      },
    });
    await api.createWebhook(CH1, { name: 'hook' });
    expect(peer.requests).toHaveLength(2);
  });
});

describe('retries and unknown outcomes', () => {
  const failFirst = (times: number, status: number) => {
    const seen = new Map<string, number>();
    return (r: { method: string; path: string }) => {
      const key = `${r.method} ${r.path}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      return n <= times ? { status, body: { message: 'upstream trouble', code: 0 } } : undefined;
    };
  };

  it('retries GET, PATCH and DELETE on 5xx with backoff', async () => {
    const { peer, api } = await setup({ respond: failFirst(2, 502) });
    await api.getWebhook('7');
    await api.modifyWebhook('8', { name: 'x' });
    await api.deleteWebhook('9');
    expect(peer.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 502',
      'GET 502',
      'GET 200',
      'PATCH 502',
      'PATCH 502',
      'PATCH 200',
      'DELETE 502',
      'DELETE 502',
      'DELETE 200',
    ]);
    expect(api.stats()).toEqual({ requests: 9, responses429: 0, retries: 6 });
  });

  it('stops after maxRetries with the last DiscordApiError', async () => {
    const { peer, api } = await setup({ respond: failFirst(10, 503) }, { maxRetries: 2 });
    const error = await rejection(api.getWebhook('7'));
    expect(error).toBeInstanceOf(DiscordApiError);
    expect(error).toMatchObject({ status: 503, fault: 'remote' });
    expect(peer.requests).toHaveLength(3);
  });

  it('does not retry a POST answered 5xx: the outcome is unknown', async () => {
    const { peer, api } = await setup({ respond: failFirst(1, 500) });
    const error = await rejection(api.createWebhook(CH1, { name: 'hook' }));
    expect(error).toBeInstanceOf(DiscordRequestOutcomeUnknown);
    expect(error).toMatchObject({ code: 'discord_outcome_unknown' });
    expect(peer.requests).toHaveLength(1);
  });

  it('retries a GET whose connection was reset; a POST reset is an unknown outcome', async () => {
    let resets = 0;
    const { peer, api } = await setup({
      respond: () => (resets++ < 1 || resets === 3 ? { destroy: true } : undefined),
    });
    await expect(api.getChannelWebhooks(CH1)).resolves.toMatchObject({ ok: true });
    const error = await rejection(api.createWebhook(CH1, { name: 'hook' }));
    expect(error).toBeInstanceOf(DiscordRequestOutcomeUnknown);
    expect(peer.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 0', 'GET 200', 'POST 0']);
  });

  it('times out an attempt that gets no answer and retries it when idempotent', async () => {
    let hung = 0;
    const { peer, api } = await setup(
      { respond: (r) => (r.method === 'POST' || hung++ === 0 ? { hang: true } : undefined) },
      { timeoutMs: 150 },
    );
    const started = performance.now();
    await expect(api.getWebhook('1')).resolves.toMatchObject({ ok: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    const error = await rejection(api.createWebhook(CH1, { name: 'slow' }));
    expect(error).toBeInstanceOf(DiscordRequestOutcomeUnknown);
    expect((error as Error).message).toContain('no answer within 150 ms');
    expect(peer.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'POST']);
  });

  it('also times out a response whose body stalls', async () => {
    // A server that sends headers and never finishes the body.
    const { createServer } = await import('node:net');
    const raw = createServer((socket) => {
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a":'));
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const port = (raw.address() as { port: number }).port;
    const slow = new DiscordRestClient({ apiBase: `http://127.0.0.1:${port}/api/v10`, token: TOKEN, timeoutMs: 150, maxRetries: 0 });
    try {
      const error = await rejection(slow.getWebhook('1'));
      expect(error).toBeInstanceOf(DiscordNetworkError);
      expect((error as Error).message).toContain('no answer within 150 ms');
    } finally {
      await slow.close();
      await new Promise((r) => raw.close(r));
    }
  });

  it("the caller's signal aborts a queued or running request", async () => {
    const { api } = await setup({ respond: () => ({ hang: true }) }, { timeoutMs: 5000 });
    const controller = new AbortController();
    const running = rejection(api.getWebhook('1', { signal: controller.signal }));
    const queued = rejection(api.getWebhook('1', { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('stop')), 50);
    expect(await running).toMatchObject({ message: 'stop' });
    expect(await queued).toMatchObject({ message: 'stop' });
  });

  it('stopSending ends a queued write as not sent and leaves the one in flight to the caller signal', async () => {
    const { peer, api } = await setup({ respond: () => ({ hang: true }) }, { timeoutMs: 5000 });
    const interrupt = new AbortController();
    const cancel = new AbortController();
    const options = { signal: cancel.signal, stopSending: interrupt.signal };
    const running = rejection(api.createWebhook(CH1, { name: 'first' }, options));
    const queued = rejection(api.createWebhook(CH1, { name: 'second' }, options));
    await eventually(() => peer.requests.length === 1);
    interrupt.abort(new Error('interrupted'));
    const notSent = await queued;
    expect(notSent).toBeInstanceOf(DiscordRequestNotSent);
    expect(notSent).toMatchObject({ maybeApplied: false });
    cancel.abort(new Error('stop'));
    expect(await running).toMatchObject({ message: 'stop' });
    expect(peer.requests).toHaveLength(1);
  });

  it('retries a POST whose connection was refused (it never reached Discord)', async () => {
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const api = new DiscordRestClient({ apiBase: `http://127.0.0.1:${port}/api/v10`, token: TOKEN, maxRetries: 1, backoff: { baseMs: 5, maxMs: 5 } });
    const error = await rejection(api.createWebhook(CH1, { name: 'x' }));
    await api.close();
    expect(error).toBeInstanceOf(DiscordNetworkError);
    expect(api.stats().requests).toBe(2);
  });
});

describe('401', () => {
  it('stops everything at once: the request, the queued ones, the running ones and later ones', async () => {
    const bucket = { hash: 'h', limit: 5, windowMs: 1000 };
    const { peer, api } = await setup({
      bucketOf: (_m, path) => ({ bucket, major: majorOf(path) }),
      respond: (r) => {
        if (r.path === '/users/@me') return { status: 401, body: { message: '401: Unauthorized', code: 0 }, delayMs: 40 };
        if (r.path.startsWith('/guilds/')) return { hang: true };
        return undefined;
      },
    });
    const started = performance.now();
    const results = await Promise.all([
      rejection(api.getCurrentUser()),
      rejection(api.getCurrentUser()), // queued behind the unknown bucket
      rejection(api.getGuildWebhooks('100000000000000001')), // in flight, never answered
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
    for (const error of results) {
      expect(error).toBeInstanceOf(DiscordApiError);
      expect(error).toMatchObject({ status: 401 });
    }
    const before = peer.requests.length;
    await expect(api.getChannelWebhooks(CH1)).rejects.toMatchObject({ status: 401 });
    expect(peer.requests.length).toBe(before);
    expect(peer.requests.filter((r) => r.path === '/users/@me')).toHaveLength(1);
  });

  it('a 401 on a webhook-token route is an ordinary error', async () => {
    const { api } = await setup({
      respond: (r) => (r.path.startsWith('/webhooks/1/') ? { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } } : undefined),
    });
    await expect(api.executeWebhook('1', 'bad-token-123456', { content: 'x' })).rejects.toMatchObject({ discordCode: 50027 });
    await expect(api.getCurrentUser()).resolves.toMatchObject({ ok: true });
  });
});
