import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CallbackTokens } from '../../src/runtime/callbacks/callback-token.js';
import { TokenRateLimit } from '../../src/runtime/callbacks/token-rate-limit.js';
import { Redactor } from '../../src/redact.js';
import {
  DEPLOYS,
  GENERAL,
  GUILD_ID,
  OTHER_GUILD_CHANNEL,
  command,
  eventually,
  httpPost,
  message,
  sendMessage,
  startTarget,
  type Received,
  type Target,
} from './fixtures.js';
import { startFakeRuntime, stopFakeRuntimes, type FakeRuntime } from './fake-runtime.js';

/**
 * Callbacks (CloudCord's X-CloudCord-APIBase): every HTTP_POST carries a token for its one
 * invocation, and `POST {APIBase}/v1/actions` with it runs reply actions later, under the
 * reply's scope rules, rate limited per token.
 */
const scope = { guildId: GUILD_ID, command: 'job', sourceId: '42' };

describe('CallbackTokens', () => {
  it('verifies what it minted; a changed claim, another process’s key or a stray string does not', () => {
    const tokens = new CallbackTokens();
    const token = tokens.mint(scope);
    expect(tokens.verify(token)).toMatchObject({ ok: true, claims: scope });
    const [prefix, claims, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims!, 'base64url').toString()), guildId: '1' })).toString('base64url');
    expect(tokens.verify(`${prefix}.${forged}.${mac}`)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(new CallbackTokens().verify(token)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(tokens.verify('not-a-token')).toEqual({ ok: false, reason: 'malformed' });
    expect(tokens.verify(`${token}x`)).toMatchObject({ ok: false });
  });

  it('expires after its lifetime (15 minutes by default)', () => {
    let now = 1_000_000;
    const tokens = new CallbackTokens({ now: () => now });
    const token = tokens.mint(scope);
    now += 15 * 60_000 - 1;
    expect(tokens.verify(token).ok).toBe(true);
    now += 1;
    expect(tokens.verify(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('is masked by shape in anything the Redactor sees', () => {
    const token = new CallbackTokens().mint(scope);
    expect(new Redactor().redact(`header was ${token} here`)).toBe('header was cft1.*** here');
  });
});

describe('TokenRateLimit', () => {
  it('allows a burst, then answers with how long to wait, and refills', () => {
    let now = 0;
    const limit = new TokenRateLimit({ burst: 2, perSecond: 0.5, now: () => now });
    expect(limit.take('a', 10_000)).toEqual({ ok: true });
    expect(limit.take('a', 10_000)).toEqual({ ok: true });
    expect(limit.take('a', 10_000)).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(limit.take('b', 10_000)).toEqual({ ok: true }); // per token
    now += 2000;
    expect(limit.take('a', 10_000)).toEqual({ ok: true });
  });

  it('tracks a bounded number of tokens, expired ones evicted first', () => {
    let now = 0;
    const limit = new TokenRateLimit({ burst: 1, maxTracked: 2, now: () => now });
    limit.take('live', 1_000_000);
    limit.take('expired', 5);
    now = 10;
    limit.take('new', 1_000_000);
    expect(limit.take('live', 1_000_000)).toMatchObject({ ok: false }); // older, but live: still tracked, still spent
  });
});

describe('POST /v1/actions', () => {
  const targets: Target[] = [];
  afterEach(stopFakeRuntimes);
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
  });

  /** A target that answers 204 and keeps what it was sent; the test plays the deferred job. */
  async function deferredJob(extra: Parameters<typeof startFakeRuntime>[1] = {}): Promise<{ h: FakeRuntime; delivery: Received }> {
    const target = await startTarget((_req, res) => void res.writeHead(204).end());
    targets.push(target);
    const h = await startFakeRuntime([command('job', [httpPost(target.url), sendMessage('started', DEPLOYS)])], extra);
    h.gateway.emit(message('>job'));
    await eventually(() => target.received.length === 1);
    await h.api.waitForWrites(1);
    return { h, delivery: target.received[0]! };
  }

  async function callback(h: FakeRuntime, token: string | null, body: unknown) {
    const response = await fetch(`${h.runtime.publicUrl}/v1/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  }

  const say = (text: string, channel = GENERAL) => ({ action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: channel, message: text } });

  it('runs one action or an array later, as a reply would, and answers each result', async () => {
    const { h, delivery } = await deferredJob();
    const token = String(delivery.headers['x-cordform-callback-token']);
    expect(delivery.headers['x-cloudcord-apibase']).toBe(h.runtime.publicUrl);

    const one = await callback(h, token, say('half way'));
    expect(one).toMatchObject({ status: 200, body: { results: [{ action: 'SEND_MESSAGE_TO_CHANNEL', outcome: 'ok', channel_id: GENERAL }] } });
    const two = await callback(h, token, [say('done'), say('also here', DEPLOYS)]);
    expect(two.status).toBe(200);
    expect(two.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['ok', 'ok']);
    expect(h.api.created.slice(1).map((c) => [c.channelId, c.body.content])).toEqual([
      [GENERAL, 'half way'],
      [GENERAL, 'done'],
      [DEPLOYS, 'also here'],
    ]);
    expect(await h.metric('cordform_callbacks_total', 'result="ok"')).toBe(2);
    expect(await h.metric('cordform_actions_total', 'action="SEND_MESSAGE_TO_CHANNEL",outcome="ok"')).toBe(4);
    expect(h.io.stdout()).not.toContain(token);
  });

  it('401 for a missing, forged or expired token; nothing runs', async () => {
    const { h, delivery } = await deferredJob({ callbacks: { ttlMs: 300 } });
    const token = String(delivery.headers['x-cordform-callback-token']);
    const forged = `${token.slice(0, -4)}AAAA`;
    for (const attempt of [null, 'nonsense', forged]) {
      const answer = await callback(h, attempt, say('nope'));
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await callback(h, token, say('too late'))).status).toBe(401);
    expect(h.api.created.map((c) => c.body.content)).toEqual(['started']);
    expect(await h.metric('cordform_callbacks_total', 'result="unauthorized"')).toBe(4);
  });

  it('403 with the reason when any action is out of the invocation’s scope, and none of the batch runs', async () => {
    const { h, delivery } = await deferredJob();
    const token = String(delivery.headers['x-cordform-callback-token']);
    const answer = await callback(h, token, [say('fine'), say('elsewhere', OTHER_GUILD_CHANNEL)]);
    expect(answer.status).toBe(403);
    expect(answer.body.refused).toEqual([
      { index: 1, action: 'SEND_MESSAGE_TO_CHANNEL', reason: `channel ${OTHER_GUILD_CHANNEL} is not in guild ${GUILD_ID}` },
    ]);
    const webhook = await callback(h, token, { action: 'EXECUTE_WEBHOOK', parameters: { webhook: 'Not Declared', content: 'x' } });
    expect(webhook.status).toBe(403);
    expect(webhook.body.refused[0].reason).toContain('"Not Declared" is not declared');
    expect(h.api.created.map((c) => c.body.content)).toEqual(['started']);
  });

  it('400 for a body that is not actions', async () => {
    const { h, delivery } = await deferredJob();
    const token = String(delivery.headers['x-cordform-callback-token']);
    expect((await callback(h, token, 'not json')).status).toBe(400);
    const invalid = await callback(h, token, { action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: GENERAL } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.join(' ')).toContain('message');
    expect((await callback(h, token, [])).status).toBe(400);
    expect((await callback(h, token, Array.from({ length: 11 }, () => say('x')))).status).toBe(400);
  });

  it('429 with Retry-After past the token’s rate limit; another invocation’s token is not affected', async () => {
    const target = await startTarget((_req, res) => void res.writeHead(204).end());
    targets.push(target);
    const h = await startFakeRuntime([command('job', [httpPost(target.url)])], { callbacks: { burst: 2, perSecond: 0.2 } });
    h.gateway.emit(message('>job'));
    h.gateway.emit(message('>job'));
    await eventually(() => target.received.length === 2);
    const [first, second] = target.received.map((r) => String(r.headers['x-cordform-callback-token']));
    expect((await callback(h, first!, say('1'))).status).toBe(200);
    expect((await callback(h, first!, say('2'))).status).toBe(200);
    const limited = await callback(h, first!, say('3'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
    expect((await callback(h, second!, say('other invocation'))).status).toBe(200);
    expect(await h.metric('cordform_callbacks_total', 'result="rate_limited"')).toBe(1);
  });
});
