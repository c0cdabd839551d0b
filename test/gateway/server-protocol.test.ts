import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  BOT,
  BOT_TOKEN,
  CHANNEL_ID,
  GUILD_ID,
  LIMITED_BOT,
  LIMITED_BOT_TOKEN,
  OTHER_GUILD_ID,
  RawGatewayClient,
  makeMessage,
  startTestGateway,
  waitFor,
  type TestGateway,
} from './helpers.js';

const GUILDS = 1 << 0;
const GUILD_MESSAGES = 1 << 9;
const MESSAGE_CONTENT = 1 << 15;

let gw: TestGateway;
const clients: RawGatewayClient[] = [];

async function connect(query = '?v=10&encoding=json'): Promise<RawGatewayClient> {
  const client = await RawGatewayClient.connect(gw.gatewayUrl + query);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  // Long interval: raw clients here do not heartbeat unless a test says so.
  gw = await startTestGateway({ heartbeatIntervalMs: 10_000 });
});

afterAll(async () => {
  for (const client of clients) client.ws.terminate();
  await gw.close();
});

describe('handshake', () => {
  it('sends HELLO, then READY and one GUILD_CREATE per guild after IDENTIFY', async () => {
    const client = await connect();
    const hello = await client.next();
    expect(hello).toEqual({ op: 10, d: { heartbeat_interval: 10_000 }, s: null, t: null });

    client.send({ op: 2, d: { token: BOT_TOKEN, intents: GUILDS | GUILD_MESSAGES, properties: { os: 'linux', browser: 't', device: 't' } } });
    const ready = await client.next();
    expect(ready).toMatchObject({ op: 0, t: 'READY', s: 1 });
    expect(ready.d).toMatchObject({
      v: 10,
      user: BOT,
      guilds: [
        { id: GUILD_ID, unavailable: true },
        { id: OTHER_GUILD_ID, unavailable: true },
      ],
      resume_gateway_url: gw.gatewayUrl,
      application: { id: BOT.id },
    });
    expect(ready.d.session_id).toMatch(/^[0-9a-f]{32}$/);
    expect(typeof ready.d.application.flags).toBe('number');

    const first = await client.next();
    const second = await client.next();
    expect(first).toMatchObject({ op: 0, t: 'GUILD_CREATE', s: 2, d: { id: GUILD_ID, unavailable: false } });
    expect(first.d.channels).toEqual([expect.objectContaining({ id: CHANNEL_ID, type: 0 })]);
    expect(first.d.joined_at).toEqual(expect.any(String));
    expect(second).toMatchObject({ op: 0, t: 'GUILD_CREATE', s: 3, d: { id: OTHER_GUILD_ID } });
  });

  it('sends no GUILD_CREATE without the GUILDS intent', async () => {
    const client = await connect();
    await client.identify(BOT_TOKEN, GUILD_MESSAGES);
    gw.hub.dispatchMessageCreate(makeMessage('no guilds intent'));
    const next = await client.next();
    expect(next).toMatchObject({ t: 'MESSAGE_CREATE', s: 2 });
  });

  it('accepts the gateway path with a trailing slash and without a query', async () => {
    const client = await RawGatewayClient.connect(gw.gatewayUrl + '/');
    clients.push(client);
    const ready = await client.identify();
    expect(ready.d.v).toBe(10);
  });

  it('acknowledges heartbeats, before and after IDENTIFY', async () => {
    const client = await connect();
    await client.next((f) => f.op === 10);
    client.send({ op: 1, d: null });
    expect(await client.next()).toMatchObject({ op: 11 });
    client.send({ op: 2, d: { token: BOT_TOKEN, intents: GUILD_MESSAGES, properties: {} } });
    await client.next((f) => f.t === 'READY');
    client.send({ op: 1, d: 1 });
    expect(await client.next((f) => f.op !== 0)).toMatchObject({ op: 11 });
  });
});

describe('close codes', () => {
  async function closeCodeAfter(payloads: unknown[], query?: string): Promise<{ code: number; reason: string }> {
    const client = await connect(query);
    await client.next((f) => f.op === 10);
    for (const payload of payloads) client.send(payload);
    return client.closed;
  }

  it('4004 on a bad token', async () => {
    expect(await closeCodeAfter([{ op: 2, d: { token: 'nope', intents: 513, properties: {} } }])).toEqual({
      code: 4004,
      reason: 'Authentication failed.',
    });
  });

  it('4014 when MESSAGE_CONTENT is requested but not allowed', async () => {
    const closed = await closeCodeAfter([{ op: 2, d: { token: LIMITED_BOT_TOKEN, intents: GUILDS | MESSAGE_CONTENT, properties: {} } }]);
    expect(closed).toEqual({ code: 4014, reason: 'Disallowed intent(s).' });
  });

  it('4013 when intents are missing, not an integer or undocumented bits', async () => {
    for (const intents of [undefined, '513', 1.5, -1, 1 << 30]) {
      const closed = await closeCodeAfter([{ op: 2, d: { token: BOT_TOKEN, intents, properties: {} } }]);
      expect(closed.code, `intents ${String(intents)}`).toBe(4013);
    }
  });

  it('4005 on a second IDENTIFY', async () => {
    const identify = { op: 2, d: { token: BOT_TOKEN, intents: 513, properties: {} } };
    expect((await closeCodeAfter([identify, identify])).code).toBe(4005);
  });

  it('4003 on a payload before IDENTIFY', async () => {
    expect((await closeCodeAfter([{ op: 3, d: { status: 'online', activities: [], since: null, afk: false } }])).code).toBe(4003);
  });

  it('4002 on invalid JSON, a non-object and a payload over 4096 bytes', async () => {
    expect((await closeCodeAfter(['{not json'])).code).toBe(4002);
    expect((await closeCodeAfter(['[1,2,3]'])).code).toBe(4002);
    expect((await closeCodeAfter([{ op: 1, d: null, pad: 'x'.repeat(5000) }])).code).toBe(4002);
  });

  it('4001 on an unknown opcode or a receive-only opcode', async () => {
    expect((await closeCodeAfter([{ op: 99, d: null }])).code).toBe(4001);
    expect((await closeCodeAfter([{ op: 10, d: null }])).code).toBe(4001);
    expect((await closeCodeAfter([{ d: null }])).code).toBe(4001);
  });

  it('4010 on an invalid shard', async () => {
    expect((await closeCodeAfter([{ op: 2, d: { token: BOT_TOKEN, intents: 513, properties: {}, shard: [1, 1] } }])).code).toBe(4010);
  });

  it('4012 on an unsupported API version', async () => {
    const client = await connect('?v=6&encoding=json');
    expect((await client.closed).code).toBe(4012);
  });
});

describe('MESSAGE_CREATE', () => {
  it('reaches identified sessions in the guild with GUILD_MESSAGES, with per-session sequence numbers', async () => {
    const full = await connect();
    await full.identify(BOT_TOKEN, GUILD_MESSAGES | MESSAGE_CONTENT);
    const noMessages = await connect();
    await noMessages.identify(BOT_TOKEN, GUILDS);
    await noMessages.next((f) => f.t === 'GUILD_CREATE' && f.d.id === OTHER_GUILD_ID);

    gw.hub.dispatchMessageCreate(makeMessage('one'));
    gw.hub.dispatchMessageCreate(makeMessage('two'));
    gw.hub.dispatchMessageCreate(makeMessage('elsewhere', { guild_id: '100000000000000777' }));
    gw.hub.dispatchMessageCreate(makeMessage('three'));

    const received = [await full.next(), await full.next(), await full.next()];
    expect(received.map((f) => [f.t, f.s, f.d.content])).toEqual([
      ['MESSAGE_CREATE', 2, 'one'],
      ['MESSAGE_CREATE', 3, 'two'],
      ['MESSAGE_CREATE', 4, 'three'],
    ]);
    expect(received[0]?.d).toMatchObject({ guild_id: GUILD_ID, channel_id: CHANNEL_ID, author: { id: expect.any(String) } });

    // Without GUILD_MESSAGES: only a heartbeat ACK may follow.
    noMessages.send({ op: 1, d: 3 });
    expect(await noMessages.next()).toMatchObject({ op: 11 });
  });

  it('empties content fields without MESSAGE_CONTENT, except for mentions of the bot and its own messages', async () => {
    const limited = await connect();
    await limited.identify(LIMITED_BOT_TOKEN, GUILD_MESSAGES);

    gw.hub.dispatchMessageCreate(
      makeMessage('secret', { embeds: [{ title: 'e' }], attachments: [{ id: '1' }], components: [{ type: 1 }], poll: { q: 1 } } as never),
    );
    gw.hub.dispatchMessageCreate(makeMessage(`<@${LIMITED_BOT.id}> hi`, { mentions: [LIMITED_BOT] }));
    gw.hub.dispatchMessageCreate(makeMessage('my own words', { author: LIMITED_BOT }));

    const stripped = await limited.next();
    expect(stripped.d).toMatchObject({ content: '', embeds: [], attachments: [], components: [] });
    expect(stripped.d).not.toHaveProperty('poll');
    expect(stripped.d.id).toEqual(expect.any(String));
    expect((await limited.next()).d.content).toBe(`<@${LIMITED_BOT.id}> hi`);
    expect((await limited.next()).d.content).toBe('my own words');
  });
});

describe('RESUME', () => {
  it('replays every dispatch after seq, then RESUMED, even for messages sent while disconnected', async () => {
    const first = await connect();
    const ready = await first.identify(BOT_TOKEN, GUILD_MESSAGES | MESSAGE_CONTENT);
    const sessionId = ready.d.session_id as string;
    gw.hub.dispatchMessageCreate(makeMessage('seen'));
    const seen = await first.next((f) => f.t === 'MESSAGE_CREATE');
    expect(seen.s).toBe(2);

    gw.hub.disconnectAll(4000);
    expect((await first.closed).code).toBe(4000);
    gw.hub.dispatchMessageCreate(makeMessage('missed 1'));
    gw.hub.dispatchMessageCreate(makeMessage('missed 2'));

    const second = await connect();
    await second.next((f) => f.op === 10);
    second.send({ op: 6, d: { token: BOT_TOKEN, session_id: sessionId, seq: 2 } });
    const replay = [await second.next(), await second.next(), await second.next()];
    expect(replay.map((f) => [f.t, f.s, f.d?.content])).toEqual([
      ['MESSAGE_CREATE', 3, 'missed 1'],
      ['MESSAGE_CREATE', 4, 'missed 2'],
      ['RESUMED', 5, undefined],
    ]);

    gw.hub.dispatchMessageCreate(makeMessage('live'));
    expect(await second.next()).toMatchObject({ t: 'MESSAGE_CREATE', s: 6, d: { content: 'live' } });
  });

  it('answers op 9 d:false for an unknown session', async () => {
    const client = await connect();
    await client.next((f) => f.op === 10);
    client.send({ op: 6, d: { token: BOT_TOKEN, session_id: 'does-not-exist', seq: 1 } });
    expect(await client.next()).toEqual({ op: 9, d: false, s: null, t: null });
    // The connection stays usable for a fresh IDENTIFY.
    client.send({ op: 2, d: { token: BOT_TOKEN, intents: GUILD_MESSAGES, properties: {} } });
    expect(await client.next()).toMatchObject({ t: 'READY' });
  });

  it('ends the session when the client closes with 1000', async () => {
    const first = await connect();
    const ready = await first.identify(BOT_TOKEN, GUILD_MESSAGES);
    const before = gw.hub.stats().sessions;
    first.close(1000);
    await waitFor(() => gw.hub.stats().sessions === before - 1, 3000, 'the session to end');
    const second = await connect();
    await second.next((f) => f.op === 10);
    second.send({ op: 6, d: { token: BOT_TOKEN, session_id: ready.d.session_id, seq: 1 } });
    expect(await second.next()).toMatchObject({ op: 9, d: false });
  });

  it('closes with 4007 on a seq the session never reached', async () => {
    const first = await connect();
    const ready = await first.identify(BOT_TOKEN, GUILD_MESSAGES);
    first.close(4000);
    await first.closed;
    const second = await connect();
    await second.next((f) => f.op === 10);
    second.send({ op: 6, d: { token: BOT_TOKEN, session_id: ready.d.session_id, seq: 50 } });
    expect((await second.closed).code).toBe(4007);
  });

  it('lets a resumable op 9 be answered with RESUME on the same connection', async () => {
    const client = await connect();
    const ready = await client.identify(BOT_TOKEN, GUILD_MESSAGES | MESSAGE_CONTENT);
    gw.hub.invalidateSessions(true);
    expect(await client.next()).toMatchObject({ op: 9, d: true });
    gw.hub.dispatchMessageCreate(makeMessage('while invalid'));
    client.send({ op: 6, d: { token: BOT_TOKEN, session_id: ready.d.session_id, seq: 1 } });
    expect(await client.next()).toMatchObject({ t: 'MESSAGE_CREATE', d: { content: 'while invalid' } });
    expect(await client.next()).toMatchObject({ t: 'RESUMED' });
  });

  it('sends op 7 on requestReconnect', async () => {
    const client = await connect();
    await client.identify(BOT_TOKEN, GUILD_MESSAGES);
    gw.hub.requestReconnect();
    expect(await client.next()).toEqual({ op: 7, d: null, s: null, t: null });
  });
});

describe('robustness', () => {
  it('survives garbage frames and keeps serving other connections', async () => {
    const garbage: Array<string | Buffer> = [
      Buffer.from([0xff, 0xfe, 0x00, 0x01]),
      'null',
      '"string"',
      '{"op":"2"}',
      '{"op":2,"d":null}',
      '{"op":6,"d":[]}',
      '{"op":1,"d":"x"}',
      JSON.stringify({ op: 2, d: { token: 42, intents: {} } }),
    ];
    for (const frame of garbage) {
      const client = await connect();
      await client.next((f) => f.op === 10);
      client.ws.send(frame);
      const { code } = await client.closed;
      expect(code, String(frame)).toBeGreaterThanOrEqual(4000);
    }
    // Invalid UTF-8 in a text frame is a WebSocket protocol error; ws closes with 1007.
    const raw = await connect();
    await raw.next((f) => f.op === 10);
    // A masked text frame (FIN, opcode 1, zero mask key) carrying the bytes C3 28.
    (raw.ws as unknown as { _socket: { write(data: Buffer): void } })._socket.write(
      Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]),
    );
    expect((await raw.closed).code).toBe(1007);

    const healthy = await connect();
    expect((await healthy.identify()).t).toBe('READY');
  });

  it('refuses upgrades on other paths', async () => {
    const ws = new WebSocket(gw.baseUrl + '/not-the-gateway');
    const error = await new Promise<Error>((resolve) => ws.on('error', resolve));
    expect(error.message).toMatch(/404/);
  });
});

describe('heartbeat timeout', () => {
  let fast: TestGateway;
  beforeAll(async () => {
    fast = await startTestGateway({ heartbeatIntervalMs: 40, heartbeatTimeoutMs: 400 });
  });
  afterAll(async () => {
    await fast.close();
  });

  it('closes a silent unidentified connection with 4009 and a silent session resumably (4000)', async () => {
    const idle = await RawGatewayClient.connect(fast.gatewayUrl);
    clients.push(idle);
    expect((await idle.closed).code).toBe(4009);

    const silent = await RawGatewayClient.connect(fast.gatewayUrl);
    clients.push(silent);
    const ready = await silent.identify(BOT_TOKEN, GUILD_MESSAGES);
    expect((await silent.closed).code).toBe(4000);

    const again = await RawGatewayClient.connect(fast.gatewayUrl);
    clients.push(again);
    await again.next((f) => f.op === 10);
    again.send({ op: 6, d: { token: BOT_TOKEN, session_id: ready.d.session_id, seq: 1 } });
    expect(await again.next()).toMatchObject({ t: 'RESUMED' });
    again.close(1000);
  });
});

describe('limits', () => {
  let small: TestGateway;
  beforeAll(async () => {
    small = await startTestGateway({ heartbeatIntervalMs: 10_000, resumeBufferSize: 2, resumeWindowMs: 150 });
  });
  afterAll(async () => {
    await small.close();
  });

  async function disconnectedSession(): Promise<string> {
    const client = await RawGatewayClient.connect(small.gatewayUrl);
    clients.push(client);
    const ready = await client.identify(BOT_TOKEN, GUILD_MESSAGES);
    client.close(4000);
    await client.closed;
    return ready.d.session_id as string;
  }

  async function resume(sessionId: string, seq: number): Promise<RawGatewayClient> {
    const client = await RawGatewayClient.connect(small.gatewayUrl);
    clients.push(client);
    await client.next((f) => f.op === 10);
    client.send({ op: 6, d: { token: BOT_TOKEN, session_id: sessionId, seq } });
    return client;
  }

  it('answers op 9 d:false when the resume buffer no longer holds everything after seq', async () => {
    const sessionId = await disconnectedSession();
    for (const text of ['a', 'b', 'c']) small.hub.dispatchMessageCreate(makeMessage(text));
    expect(await (await resume(sessionId, 1)).next()).toMatchObject({ op: 9, d: false });
  });

  it('keeps the session only for the resume window after a disconnect', async () => {
    const sessionId = await disconnectedSession();
    await new Promise((r) => setTimeout(r, 300));
    expect(await (await resume(sessionId, 1)).next()).toMatchObject({ op: 9, d: false });
  });

  it('closes with 4008 past 120 payloads a minute (heartbeats excluded)', async () => {
    const client = await RawGatewayClient.connect(small.gatewayUrl);
    clients.push(client);
    await client.identify(BOT_TOKEN, GUILD_MESSAGES);
    for (let i = 0; i < 200; i += 1) client.send({ op: 1, d: null });
    // IDENTIFY counts too: 1 + 119 = 120 is still allowed, the 121st payload is not.
    for (let i = 0; i < 119; i += 1) client.send({ op: 3, d: { since: null, activities: [], status: 'online', afk: false } });
    await new Promise((r) => setTimeout(r, 50));
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.send({ op: 3, d: { since: null, activities: [], status: 'online', afk: false } });
    expect((await client.closed).code).toBe(4008);
  });
});
