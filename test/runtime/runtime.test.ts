import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/runtime/signing.js';
import { VERSION } from '../../src/version.js';
import {
  BOT_ID,
  DEPLOYS,
  GENERAL,
  GUILD_ID,
  OTHER_GUILD_CHANNEL,
  command,
  eventually,
  httpPost,
  message,
  replyJson,
  sendMessage,
  startTarget,
  thirdParty,
  type Target,
} from './fixtures.js';
import { startFakeRuntime, stopFakeRuntimes } from './fake-runtime.js';

const SIGNING_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const IM_TOKEN = 'im-bearer-token-0123456789';

const targets: Target[] = [];
const start = startFakeRuntime;

async function target(handler: Parameters<typeof startTarget>[0]): Promise<Target> {
  const t = await startTarget(handler);
  targets.push(t);
  return t;
}

afterEach(stopFakeRuntimes);
afterAll(async () => {
  await Promise.all(targets.splice(0).map((t) => t.close()));
});

describe('HTTP_POST', () => {
  let pong: Target;
  beforeAll(async () => {
    pong = await target((req, res) =>
      replyJson(res, 200, {
        action: 'SEND_MESSAGE_TO_CHANNEL',
        parameters: { channel_id: (JSON.parse(req.body) as { channel_id: string }).channel_id, message: 'Pong!' },
      }),
    );
  });

  it('posts the message object with every seed header, then runs the reply', async () => {
    const h = await start([command('ping', [httpPost(pong.url, { headers: { 'x-extra': 'yes' }, signingSecret: SIGNING_SECRET })])]);
    const msg = message('>ping');
    h.gateway.emit(msg);
    await h.api.waitForWrites(1);

    const got = pong.received.at(-1);
    expect(got).toBeDefined();
    expect(JSON.parse(got?.body ?? '')).toEqual(msg);
    expect(got?.headers).toMatchObject({
      'x-cloudcord-botid': BOT_ID,
      'x-cloudcord-emitter': 'command:ping',
      // The runtime's own base URL (where the target may call back), not Discord's API.
      'x-cloudcord-apibase': `http://127.0.0.1:${h.runtime.port}`,
      'x-cordform-callback-token': expect.stringMatching(/^cft1\.[\w-]+\.[\w-]+$/),
      'x-cloudcord-node': 'test-node-1',
      'user-agent': `cordform/${VERSION} (test-node-1)`,
      'content-type': 'application/json',
      'x-extra': 'yes',
      'webhook-id': msg.id,
    });
    const timestamp = Number(got?.headers['webhook-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(10);
    expect(
      verifySignature({ id: msg.id, timestamp, body: got?.body ?? '', secret: SIGNING_SECRET, header: String(got?.headers['webhook-signature']) }),
    ).toBe(true);

    expect(h.api.created).toEqual([{ channelId: GENERAL, body: { content: 'Pong!', allowed_mentions: { parse: [] } } }]);
    expect(await h.metric('cordform_actions_total', 'action="HTTP_POST",outcome="ok"')).toBe(1);
    expect(await h.metric('cordform_actions_total', 'action="SEND_MESSAGE_TO_CHANNEL",outcome="ok"')).toBe(1);
    expect(await h.metric('cordform_events_total', 'event="MESSAGE_CREATE",result="matched"')).toBe(1);
    expect(await h.metrics()).toContain('cordform_http_post_duration_seconds_count{outcome="ok"} 1');
    expect(h.io.stdout()).not.toContain(SIGNING_SECRET);
    expect(h.io.stdout()).not.toContain(String(got?.headers['x-cordform-callback-token']));
  });

  it('X-CloudCord-APIBase is --public-url when given', async () => {
    const h = await start([command('ping', [httpPost(pong.url)])], { publicUrl: 'https://cordform-0.cordform.example' });
    h.gateway.emit(message('>ping'));
    await h.api.waitForWrites(1);
    expect(pong.received.at(-1)?.headers['x-cloudcord-apibase']).toBe('https://cordform-0.cordform.example');
  });

  it('204 or an empty 200 does nothing', async () => {
    const noContent = await target((_req, res) => {
      res.writeHead(204).end();
    });
    const empty = await target((_req, res) => {
      res.writeHead(200).end();
    });
    const h = await start([command('a', [httpPost(noContent.url)]), command('b', [httpPost(empty.url)])]);
    h.gateway.emit(message('>a'));
    h.gateway.emit(message('>b'));
    await eventually(async () => (await h.metric('cordform_actions_total', 'action="HTTP_POST",outcome="nothing"')) === 2);
    expect(h.api.created).toEqual([]);
  });

  it('dismisses a reply past the deadline while other commands keep being served', async () => {
    const slow = await target((req, res) => {
      setTimeout(() => {
        if (!res.destroyed) replyJson(res, 200, { action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: GENERAL, message: 'late' } });
      }, 1500);
    });
    const h = await start([command('slow', [httpPost(slow.url, { timeoutMs: 200 })]), command('ping', [httpPost(pong.url)])]);
    const startedAt = Date.now();
    h.gateway.emit(message('>slow'));
    h.gateway.emit(message('>ping'));
    await h.api.waitForWrites(1);
    expect(Date.now() - startedAt).toBeLessThan(1000);
    await eventually(async () => (await h.metric('cordform_actions_total', 'action="HTTP_POST",outcome="timeout"')) === 1);
    expect(Date.now() - startedAt).toBeLessThan(1500);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(h.api.created.map((c) => c.body.content)).toEqual(['Pong!']);
  });

  it('counts invalid JSON, unknown actions and non-2xx replies, and keeps serving', async () => {
    const bad = await target((req, res) => {
      const kind = (JSON.parse(req.body) as { content: string }).content;
      if (kind === '>json') res.writeHead(200, { 'content-type': 'application/json' }).end('{"action": ');
      else if (kind === '>unknown') replyJson(res, 200, { action: 'BAN_EVERYONE', parameters: {} });
      else replyJson(res, 500, { error: 'boom' });
    });
    const h = await start([
      command('json', [httpPost(bad.url)]),
      command('unknown', [httpPost(bad.url)]),
      command('err', [httpPost(bad.url)]),
      command('ping', [httpPost(pong.url)]),
    ]);
    for (const text of ['>json', '>unknown', '>err', '>ping']) h.gateway.emit(message(text));
    await h.api.waitForWrites(1);
    await eventually(async () => (await h.metric('cordform_actions_total', 'action="HTTP_POST",outcome="invalid_reply"')) === 2);
    await eventually(async () => (await h.metric('cordform_actions_total', 'action="HTTP_POST",outcome="http_error"')) === 1);
    expect(h.api.created.map((c) => c.body.content)).toEqual(['Pong!']);
    expect(h.io.stdout()).toContain('"outcome":"invalid_reply"');
  });

  it('refuses a reply that targets a channel outside the guild', async () => {
    const escape = await target((_req, res) =>
      replyJson(res, 200, { action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: OTHER_GUILD_CHANNEL, message: 'hi' } }),
    );
    const h = await start([command('escape', [httpPost(escape.url)])]);
    h.gateway.emit(message('>escape'));
    await eventually(async () => (await h.metric('cordform_actions_total', 'action="HTTP_POST",outcome="refused"')) === 1);
    expect(h.api.created).toEqual([]);
    expect(h.io.stdout()).toContain(`channel ${OTHER_GUILD_CHANNEL} is not in guild ${GUILD_ID}`);
  });

  it('caps a huge response body', async () => {
    const huge = await target((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"action":"SEND_MESSAGE_TO_CHANNEL","parameters":{"channel_id":"${GENERAL}","message":"${'x'.repeat(1024 * 1024)}"}}`);
    });
    const chunked = await target((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 100; i += 1) res.write('x'.repeat(4096));
      res.end();
    });
    const h = await start([command('huge', [httpPost(huge.url)]), command('chunked', [httpPost(chunked.url)])]);
    h.gateway.emit(message('>huge'));
    h.gateway.emit(message('>chunked'));
    await eventually(async () => (await h.metric('cordform_actions_total', 'action="HTTP_POST",outcome="too_large"')) === 2);
    expect(h.api.created).toEqual([]);
  });

  it('a hung target fills only its own queue: the excess is dropped and counted, other targets are served', async () => {
    const hung = await target(() => {
      /* never answers */
    });
    const h = await start([command('hung', [httpPost(hung.url, { timeoutMs: 1500 })]), command('ping', [httpPost(pong.url)])], {
      concurrencyPerCommand: 1,
      maxQueuePerCommand: 1,
    });
    for (let i = 0; i < 5; i += 1) h.gateway.emit(message('>hung'));
    await eventually(async () => (await h.metric('cordform_events_dropped_total', 'reason="queue_full"')) === 3);
    const before = Date.now();
    h.gateway.emit(message('>ping'));
    await h.api.waitForWrites(1);
    expect(Date.now() - before).toBeLessThan(1000);
    expect(await h.metric('cordform_actions_total', 'action="HTTP_POST",outcome="dropped"')).toBe(3);
  });
});

describe('fairness per command', () => {
  it('a hung endpoint uses up only its own command’s share, even when another command’s target shares its origin', async () => {
    const server = await target((req, res) => {
      if (req.url === '/hang') return; // never answers
      replyJson(res, 200, { action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: GENERAL, message: 'still served' } });
    });
    const origin = new URL(server.url).origin;
    const h = await start(
      [command('slow', [httpPost(`${origin}/hang`, { timeoutMs: 3000 })]), command('fast', [httpPost(`${origin}/ok`)])],
      { concurrencyPerCommand: 2, maxQueuePerCommand: 2 },
    );
    for (let i = 0; i < 8; i += 1) h.gateway.emit(message('>slow'));
    // Two hang, two wait, four are dropped: the slow command's share is full.
    await eventually(async () => (await h.metric('cordform_events_dropped_total', 'reason="queue_full"')) === 4);
    const before = Date.now();
    h.gateway.emit(message('>fast'));
    await h.api.waitForWrites(1);
    expect(Date.now() - before).toBeLessThan(1000);
    expect(h.api.created.map((c) => c.body.content)).toEqual(['still served']);
  });
});

describe('commands', () => {
  it('runs a command’s actions in order, and a failing one does not stop the rest', async () => {
    const first = await target((_req, res) =>
      replyJson(res, 200, { action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: GENERAL, message: 'first' } }),
    );
    const h = await start([
      command('two', [httpPost(first.url), sendMessage('second: {{args}} from <author:username>', DEPLOYS)]),
      command('broken', [httpPost('http://127.0.0.1:1/nothing-listens'), sendMessage('still here')]),
    ]);
    h.gateway.emit(message('>two a b'));
    await h.api.waitForWrites(2);
    expect(h.api.created.map((c) => [c.channelId, c.body.content])).toEqual([
      [GENERAL, 'first'],
      [DEPLOYS, 'second: a b from human'],
    ]);
    h.gateway.emit(message('>broken'));
    await h.api.waitForWrites(3);
    expect(h.api.created.at(-1)?.body.content).toBe('still here');
    expect(await h.metric('cordform_actions_total', 'action="HTTP_POST",outcome="error"')).toBe(1);
  });

  it('ignores bots, itself and webhooks; applies inhibitors; truncates to 2000', async () => {
    const h = await start([
      command('say', [sendMessage('{{args}}')], { allowMentions: true }),
      command('lewd', [sendMessage('nsfw only')], { inhibitors: { permissions: [], roles: [], channels: [], nsfw: true } }),
      command('mod', [sendMessage('mods only')], { inhibitors: { permissions: ['MANAGE_MESSAGES'], roles: [], channels: [], nsfw: false } }),
    ]);
    h.gateway.emit(message('>say hi', { author: { id: BOT_ID, username: 'me', discriminator: '0', avatar: null } }));
    h.gateway.emit(message('>say hi', { author: { id: '5', username: 'b', discriminator: '0', avatar: null, bot: true } }));
    h.gateway.emit(message('>say hi', { webhook_id: '77' }));
    h.gateway.emit(message('>lewd'));
    h.gateway.emit(message('>mod'));
    h.gateway.emit(message('>lewd', { channel_id: DEPLOYS }));
    h.gateway.emit(message(`>say ${'y'.repeat(2500)}`));
    await h.api.waitForWrites(2);
    await eventually(async () => (await h.metric('cordform_events_total', 'event="MESSAGE_CREATE",result="inhibited"')) === 2);
    expect(await h.metric('cordform_events_total', 'event="MESSAGE_CREATE",result="ignored"')).toBe(3);
    const contents = h.api.created.map((c) => c.body.content);
    expect(contents).toContain('nsfw only');
    const long = h.api.created.find((c) => c.body.content?.startsWith('y'));
    expect(long?.body.content).toHaveLength(2000);
    expect(long?.body.allowed_mentions).toEqual({ parse: ['users', 'roles'] });
  });

  it('EXECUTE_WEBHOOK looks the token up live, caches it briefly and never logs it', async () => {
    const token = 'live-webhook-token-abcdefghijklmnop';
    const h = await start([
      command('ship', [{ type: 'EXECUTE_WEBHOOK', webhook: 'Deploys', content: 'shipped by {{author.username}}', location: { file: 'x', line: 1, column: 1 } }]),
    ]);
    h.api.webhooks = [
      { id: '300000000000000001', type: 1, channel_id: DEPLOYS, name: 'Deploys', avatar: null, application_id: null, token, user: { id: BOT_ID, username: 'bot', discriminator: '0', avatar: null } },
    ];
    h.gateway.emit(message('>ship'));
    h.gateway.emit(message('>ship'));
    await h.api.waitForWrites(2);
    expect(h.api.executed[0]).toMatchObject({ webhookId: '300000000000000001', token, body: { content: 'shipped by human', allowed_mentions: { parse: [] } } });
    expect(h.api.webhookLookups).toBe(1);
    expect(h.io.stdout()).not.toContain(token);
  });

  it('stop() drains in-flight actions before it resolves', async () => {
    const delayed = await target((_req, res) => {
      setTimeout(() => replyJson(res, 200, { action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: GENERAL, message: 'drained' } }), 300);
    });
    const h = await start([command('later', [httpPost(delayed.url)])]);
    h.gateway.emit(message('>later'));
    await eventually(() => delayed.received.length === 1);
    await h.runtime.stop();
    expect(h.api.created.map((c) => c.body.content)).toEqual(['drained']);
    h.gateway.emit(message('>later'));
    expect(delayed.received).toHaveLength(1);
  });
});

describe('sharding', () => {
  it('a process ignores messages of declared guilds on shards it does not run, and handles its own', async () => {
    // (GUILD_ID >> 22) % 2 === 0: the guild's events belong to shard 0.
    const other = await start([command('hi', [sendMessage('hello')])], { shards: { kind: 'fixed', id: 1, count: 2 }, logLevel: 'debug' });
    other.gateway.emit(message('>hi'));
    await eventually(async () => (await other.metric('cordform_events_total', 'event="MESSAGE_CREATE",result="ignored",shard="1/2"')) === 1);
    expect(other.io.stdout()).toContain('message for another shard ignored');
    expect(other.api.created).toEqual([]);

    const own = await start([command('hi', [sendMessage('hello')])], { shards: { kind: 'fixed', id: 0, count: 2 } });
    own.gateway.emit(message('>hi'));
    await own.api.waitForWrites(1);
    expect(await own.metric('cordform_events_total', 'event="MESSAGE_CREATE",result="matched",shard="0/2"')).toBe(1);
  });
});

describe('THIRD_PARTY_MESSAGE', () => {
  let sink: Target;
  let attempts = new Map<string, number>();
  beforeAll(async () => {
    sink = await target((req, res) => {
      if (req.headers.authorization !== `Bearer ${IM_TOKEN}`) return replyJson(res, 401, { code: 401 });
      const { userId, message: text } = JSON.parse(req.body) as { userId: string; message: string };
      const n = (attempts.get(text) ?? 0) + 1;
      attempts.set(text, n);
      if (text === 'ok') return replyJson(res, 200, { code: 0, result: { message: 'sent', cid: 'c1', count: 1, total: 1 } });
      if (text === 'refuse') return replyJson(res, 200, { code: 1, result: { message: `no user ${userId}` } });
      if (text === 'flaky' && n === 1) return replyJson(res, 500, { code: -1 });
      if (text === 'limited' && n === 1) {
        res.setHeader('retry-after', '0');
        return replyJson(res, 429, { code: -1 });
      }
      return replyJson(res, 200, { code: 0, result: { message: 'sent', cid: 'c2', count: 1, total: 1 } });
    });
  });

  it('succeeds on code 0, fails on code 1, retries 500 and 429, and a wrong token is an HTTP error', async () => {
    attempts = new Map();
    const h = await start([
      command('ticket', [thirdParty(sink.url, IM_TOKEN)]),
      command('wrong', [thirdParty(sink.url, 'not-the-token-xyz')]),
    ]);
    for (const text of ['ok', 'refuse', 'flaky', 'limited']) h.gateway.emit(message(`>ticket ${text}`));
    h.gateway.emit(message('>wrong ok'));
    await eventually(async () => {
      const text = await h.metrics();
      return text.includes('outcome="ok"} 3') && text.includes('outcome="rejected"} 1') && text.includes('outcome="http_error"} 1');
    });
    const body = JSON.parse(sink.received.find((r) => r.body.includes('"ok"'))?.body ?? '{}') as unknown;
    expect(body).toEqual({ userId: '100000000000000020', message: 'ok' });
    expect(attempts.get('flaky')).toBe(2);
    expect(attempts.get('limited')).toBe(2);
    expect(attempts.get('refuse')).toBe(1);
    expect(await h.metric('cordform_third_party_failures_total', 'code="1"')).toBe(1);
    expect(h.io.stdout()).toContain('"code":1');
    expect(h.io.stdout()).not.toContain(IM_TOKEN);
  });

  it("sends an object message (the contract's IMMsg) as an object, with templates rendered in every string", async () => {
    const message_ = { type: 'text', text: 'deploy by {{author.username}}: {{args}}', meta: { channel: '{{channel_id}}', priority: 2, tags: ['{{guild_id}}', true] } };
    const h = await start([command('notify', [thirdParty(sink.url, IM_TOKEN, { message: message_ })])]);
    const before = sink.received.length;
    h.gateway.emit(message('>notify api v2'));
    await eventually(() => sink.received.length === before + 1);
    expect(JSON.parse(sink.received.at(-1)!.body)).toEqual({
      userId: '100000000000000020',
      message: { type: 'text', text: 'deploy by human: api v2', meta: { channel: GENERAL, priority: 2, tags: [GUILD_ID, true] } },
    });
    await eventually(async () => (await h.metric('cordform_actions_total', 'action="THIRD_PARTY_MESSAGE",outcome="ok"')) === 1);
  });

  it('gives up within the retry budget when the sink keeps failing', async () => {
    const down = await target((_req, res) => replyJson(res, 503, { code: -1 }));
    const h = await start([command('ticket', [thirdParty(down.url, IM_TOKEN)])]);
    h.gateway.emit(message('>ticket x'));
    await eventually(async () => (await h.metric('cordform_actions_total', 'action="THIRD_PARTY_MESSAGE",outcome="http_error"')) === 1);
    expect(down.received).toHaveLength(3);
  });
});

describe('runtime HTTP server', () => {
  it('serves /healthz by gateway readiness, /metrics, and 503 on /interactions without discord.public_key', async () => {
    const h = await start([]);
    const base = `http://127.0.0.1:${h.runtime.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    h.gateway.ready = false;
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('# TYPE cordform_actions_total counter');
    expect((await fetch(`${base}/interactions`, { method: 'POST', body: '{}' })).status).toBe(503);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('on a wildcard address without --public-url, X-CloudCord-APIBase is the loopback URL, with a warning', async () => {
    const h = await start([], { host: '0.0.0.0' });
    expect(h.runtime.publicUrl).toBe(`http://127.0.0.1:${h.runtime.port}`);
    expect(h.io.stdout()).toContain('X-CloudCord-APIBase defaults to a loopback URL');
    const named = await start([], { host: '127.0.0.1' });
    expect(named.io.stdout()).not.toContain('X-CloudCord-APIBase defaults to a loopback URL');
  });
});
