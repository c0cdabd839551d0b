import { afterEach, describe, expect, it } from 'vitest';
import { DiscordRestClient, type ResponseInfo } from '../../src/discord/rest-client.js';
import { majorOf, startPeer, type Peer, type PeerBucket } from './support/discord-peer.js';

/** Bucket mechanics against a peer that plays Discord's headers (real HTTP, port 0). */
const TOKEN = 'bot-token-for-tests-0123456789';
const CH = ['100000000000000002', '100000000000000003', '100000000000000004'] as const;

let peer: Peer | undefined;
let client: DiscordRestClient | undefined;
afterEach(async () => {
  await client?.close();
  await peer?.close();
  client = undefined;
  peer = undefined;
});

function connect(p: Peer, extra: Partial<ConstructorParameters<typeof DiscordRestClient>[0]> = {}): DiscordRestClient {
  client = new DiscordRestClient({ apiBase: p.apiBase, token: TOKEN, backoff: { baseMs: 10, maxMs: 50 }, ...extra });
  return client;
}

const oneBucket = (bucket: PeerBucket) => () => ({ bucket, major: 'x' });

describe('rate-limit buckets', () => {
  it('sends one request while the bucket is unknown, then uses Remaining', async () => {
    const bucket = { hash: 'h-webhooks', limit: 5, windowMs: 1000 };
    peer = await startPeer({ bucketOf: (_m, path) => ({ bucket, major: majorOf(path) }), latencyMs: 60 });
    const api = connect(peer);
    await Promise.all(Array.from({ length: 5 }, () => api.getChannelWebhooks(CH[0])));
    const [first, ...rest] = peer.requests;
    expect(first?.concurrent).toBe(0);
    // Nothing else went out before the first answer (60 ms latency)…
    for (const r of rest) expect(r.at - (first?.at ?? 0)).toBeGreaterThanOrEqual(55);
    // …and then the remaining four went out together (one at a time would spread them ≥ 180 ms).
    expect(Math.max(...rest.map((r) => r.at)) - Math.min(...rest.map((r) => r.at))).toBeLessThan(120);
    expect(peer.count429()).toBe(0);
  });

  it('waits Reset-After once Remaining is 0 and never gets a 429', async () => {
    const bucket = { hash: 'h1', limit: 2, windowMs: 150 };
    peer = await startPeer({ bucketOf: oneBucket(bucket) });
    const api = connect(peer);
    const started = performance.now();
    await Promise.all(Array.from({ length: 6 }, () => api.getChannelWebhooks(CH[0])));
    const elapsed = performance.now() - started;
    expect(peer.count429()).toBe(0);
    expect(api.stats()).toEqual({ requests: 6, responses429: 0, retries: 0 });
    // 6 requests, 2 per window: windows open at 0, 150, 300 → done just after 300 ms
    // (≈330 ms typically; the bound leaves room for a loaded machine, not for an extra window).
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(510);
    const at = peer.requests.map((r) => r.at - (peer?.requests[0]?.at ?? 0));
    expect(at[2]).toBeGreaterThanOrEqual(148);
    expect(at[4]).toBeGreaterThanOrEqual(298);
  });

  it('routes with the same X-RateLimit-Bucket share one limit per major parameter', async () => {
    const shared = { hash: 'h-channel-webhooks', limit: 2, windowMs: 150 };
    peer = await startPeer({ bucketOf: (_m, path) => ({ bucket: shared, major: majorOf(path) }) });
    const api = connect(peer);
    // Learn both routes' hash first (one request each, two in the first window).
    await Promise.all([api.getChannelWebhooks(CH[0]), api.createWebhook(CH[0], { name: 'a' })]);
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 3; i += 1) {
      calls.push(api.getChannelWebhooks(CH[0]), api.createWebhook(CH[0], { name: `w${i}` }));
    }
    await Promise.all(calls);
    // Counted separately the client would send 4 in a window of 2.
    expect(peer.count429()).toBe(0);
    expect(peer.requests).toHaveLength(8);
  });

  it('runs different major parameters in parallel', async () => {
    const bucket = { hash: 'h-ch', limit: 1, windowMs: 200 };
    peer = await startPeer({ bucketOf: (_m, path) => ({ bucket, major: majorOf(path) }) });
    const api = connect(peer);
    const started = performance.now();
    await Promise.all(CH.flatMap((ch) => [api.getChannelWebhooks(ch), api.getChannelWebhooks(ch)]));
    const elapsed = performance.now() - started;
    expect(peer.count429()).toBe(0);
    // Serially that would be 5 windows (1000 ms); per channel it is 1 window (200 ms).
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(700);
    const firsts = CH.map((ch) => peer?.requests.find((r) => r.path.includes(ch))?.at ?? 0);
    expect(Math.max(...firsts) - Math.min(...firsts)).toBeLessThan(60);
  });

  it('sends requests of one bucket in the order they were made', async () => {
    const bucket = { hash: 'h-create', limit: 3, windowMs: 60 };
    peer = await startPeer({ bucketOf: (_m, path) => ({ bucket, major: majorOf(path) }) });
    const api = connect(peer);
    await Promise.all(Array.from({ length: 10 }, (_, i) => api.createWebhook(CH[1], { name: `hook-${i}` })));
    expect(peer.requests.map((r) => (JSON.parse(r.body) as { name: string }).name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `hook-${i}`),
    );
    expect(peer.count429()).toBe(0);
  });

  it('a retried request keeps its place ahead of later ones in its bucket', async () => {
    const bucket = { hash: 'h-webhook', limit: 1, windowMs: 20 };
    let failed = false;
    peer = await startPeer({
      bucketOf: (_m, path) => ({ bucket, major: majorOf(path) }),
      respond: (r) => {
        if (!failed && r.body.includes('"n1"')) {
          failed = true;
          return { status: 503, body: { message: 'try again', code: 0 } };
        }
        return undefined;
      },
    });
    const api = connect(peer);
    await Promise.all(['n0', 'n1', 'n2', 'n3'].map((name) => api.modifyWebhook('555', { name })));
    expect(peer.requests.map((r) => (JSON.parse(r.body) as { name: string }).name)).toEqual(['n0', 'n1', 'n1', 'n2', 'n3']);
  });

  it('keeps bot requests under the global limit, and does not count webhook-token routes', async () => {
    peer = await startPeer();
    const api = connect(peer, { globalLimitPerSecond: 10 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 10 }, (_, i) => api.executeWebhook(String(900 + i), `tok-${i}-abcdef`, { content: 'x' })));
    // Under the 10/s global limit these would need a second window (≥ 1 s).
    expect(performance.now() - started).toBeLessThan(800);
    await Promise.all(Array.from({ length: 15 }, (_, i) => api.getWebhook(String(100 + i))));
    const bot = peer.requests.filter((r) => r.headers.authorization !== undefined).map((r) => r.at);
    expect(bot).toHaveLength(15);
    for (let i = 10; i < bot.length; i += 1) expect((bot[i] ?? 0) - (bot[i - 10] ?? 0)).toBeGreaterThanOrEqual(995);
  });

  it('reports every response with masked routes and bucket keys', async () => {
    const bucket = { hash: 'h-token', limit: 5, windowMs: 1000 };
    peer = await startPeer({ bucketOf: (_m, path) => ({ bucket, major: majorOf(path) }) });
    const seen: ResponseInfo[] = [];
    const api = connect(peer, { onResponse: (info) => seen.push(info) });
    await api.executeWebhook('777', 'webhook-secret-token-xyz', { content: 'hi' });
    await api.getChannelWebhooks(CH[0]);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      route: '/webhooks/777/:token',
      bucketKey: 'h-token:777/:token',
      status: 200,
      attempt: 1,
      rateLimited: false,
    });
    expect(JSON.stringify(seen)).not.toContain('webhook-secret-token-xyz');
    expect(seen[1]?.bucketKey).toBe(`h-token:${CH[0]}`);
  });
});
