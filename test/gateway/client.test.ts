import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient, type GatewayClientOptions, type GatewayDispatch } from '../../src/discord/gateway-client.js';
import { CordformError } from '../../src/errors.js';
import { BOT_TOKEN, LIMITED_BOT_TOKEN, makeMessage, startTestGateway, waitFor, type TestGateway } from './helpers.js';

const GUILDS = 1 << 0;
const GUILD_MESSAGES = 1 << 9;
const MESSAGE_CONTENT = 1 << 15;
const INTENTS = GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT;

let gw: TestGateway;
const running: GatewayClient[] = [];

interface Harness {
  client: GatewayClient;
  dispatches: GatewayDispatch[];
  logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
  /** Contents of MESSAGE_CREATE dispatches, in delivery order. */
  contents(): string[];
}

function makeClient(overrides: Partial<GatewayClientOptions> = {}): Harness {
  const dispatches: GatewayDispatch[] = [];
  const logs: Harness['logs'] = [];
  const client = new GatewayClient({
    token: BOT_TOKEN,
    intents: INTENTS,
    api: gw.api,
    onDispatch: (dispatch) => dispatches.push(dispatch),
    log: (level, message, fields) => logs.push({ level, message, ...(fields ? { fields } : {}) }),
    reconnect: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 20 },
    invalidSessionDelayMs: { min: 10, max: 30 },
    ...overrides,
  });
  running.push(client);
  return {
    client,
    dispatches,
    logs,
    contents: () =>
      dispatches.filter((d) => d.t === 'MESSAGE_CREATE').map((d) => (d.d as { content: string }).content),
  };
}

beforeAll(async () => {
  // Short heartbeats keep zombie detection fast; the server allows 1.5 intervals + slack.
  gw = await startTestGateway({ heartbeatIntervalMs: 50, heartbeatTimeoutMs: 1000 });
});

afterEach(async () => {
  for (const client of running.splice(0)) await client.stop();
});

afterAll(async () => {
  await gw.close();
});

describe('GatewayClient against the sandbox gateway', () => {
  it('connects, identifies and resolves on READY; delivers READY and GUILD_CREATE', async () => {
    const h = makeClient();
    await h.client.start();
    const status = h.client.status();
    expect(status).toMatchObject({ ready: true, resumes: 0, reconnects: 0 });
    expect(status.sessionId).toMatch(/^[0-9a-f]{32}$/);
    await waitFor(() => h.dispatches.length >= 3);
    expect(h.dispatches.map((d) => [d.t, d.s])).toEqual([
      ['READY', 1],
      ['GUILD_CREATE', 2],
      ['GUILD_CREATE', 3],
    ]);
    expect(h.client.status().sequence).toBe(3);
  });

  it('delivers every message exactly once, in order, while connections are killed mid-stream', async () => {
    const h = makeClient();
    await h.client.start();
    const sessionId = h.client.status().sessionId;
    const total = 300;
    for (let i = 0; i < total; i += 1) {
      gw.hub.dispatchMessageCreate(makeMessage(`m${i}`));
      if (i % 25 === 10) gw.hub.disconnectAll(4000);
      if (i % 60 === 40) gw.hub.disconnectAll(1006); // dropped TCP, no close frame
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    await waitFor(() => h.contents().length >= total, 15_000, 'all messages');
    await new Promise((r) => setTimeout(r, 100)); // anything extra would be a duplicate
    expect(h.contents()).toEqual(Array.from({ length: total }, (_, i) => `m${i}`));
    const sequences = h.dispatches.map((d) => d.s);
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(h.client.status().sessionId).toBe(sessionId);
    expect(h.client.status().resumes).toBeGreaterThan(0);
  });

  it('resumes after op 7 RECONNECT', async () => {
    const h = makeClient();
    await h.client.start();
    const sessionId = h.client.status().sessionId;
    gw.hub.requestReconnect();
    gw.hub.dispatchMessageCreate(makeMessage('after op 7'));
    await waitFor(() => h.client.status().resumes === 1 && h.contents().includes('after op 7'));
    expect(h.client.status()).toMatchObject({ sessionId, ready: true });
    expect(h.dispatches.filter((d) => d.t === 'RESUMED')).toHaveLength(1);
  });

  it('resumes after op 9 with d=true', async () => {
    const h = makeClient();
    await h.client.start();
    const sessionId = h.client.status().sessionId;
    gw.hub.invalidateSessions(true);
    gw.hub.dispatchMessageCreate(makeMessage('kept'));
    await waitFor(() => h.client.status().resumes === 1 && h.contents().includes('kept'));
    expect(h.client.status().sessionId).toBe(sessionId);
  });

  it('re-identifies after op 9 with d=false (new session, sequence restarts)', async () => {
    const h = makeClient();
    await h.client.start();
    const sessionId = h.client.status().sessionId;
    gw.hub.invalidateSessions(false);
    await waitFor(() => h.dispatches.filter((d) => d.t === 'READY').length === 2, 5000, 'second READY');
    expect(h.client.status().sessionId).not.toBe(sessionId);
    expect(h.client.status().resumes).toBe(0);
    await waitFor(() => h.client.status().ready);
    gw.hub.dispatchMessageCreate(makeMessage('new session'));
    await waitFor(() => h.contents().includes('new session'));
    const last = h.dispatches.at(-1);
    expect(last?.t).toBe('MESSAGE_CREATE');
    expect(last?.s).toBe(4); // READY 1, two GUILD_CREATEs, then this
  });

  it('detects a zombied connection (no HEARTBEAT_ACK), reconnects with a non-1000 code and resumes', async () => {
    const h = makeClient();
    await h.client.start();
    const sessionId = h.client.status().sessionId;
    gw.hub.skipHeartbeatAcks(1);
    gw.hub.dispatchMessageCreate(makeMessage('before zombie'));
    await waitFor(() => h.client.status().resumes === 1, 5000, 'a resume');
    gw.hub.dispatchMessageCreate(makeMessage('after zombie'));
    await waitFor(() => h.contents().includes('after zombie'));
    expect(h.contents()).toEqual(['before zombie', 'after zombie']);
    expect(h.client.status().sessionId).toBe(sessionId);
    expect(h.logs.some((l) => l.level === 'warn' && /not acknowledged/.test(l.message))).toBe(true);
  });

  it('resumes after a resumable close code and re-identifies after 1000', async () => {
    const h = makeClient();
    await h.client.start();
    const sessionId = h.client.status().sessionId;
    gw.hub.disconnectAll(4008);
    await waitFor(() => h.client.status().resumes === 1);
    expect(h.client.status().sessionId).toBe(sessionId);
    gw.hub.disconnectAll(1000);
    await waitFor(() => h.dispatches.filter((d) => d.t === 'READY').length === 2);
    expect(h.client.status().sessionId).not.toBe(sessionId);
  });

  it('keeps running when the dispatch handler throws', async () => {
    let calls = 0;
    const h = makeClient({
      onDispatch: () => {
        calls += 1;
        throw new Error('handler bug');
      },
    });
    await h.client.start();
    gw.hub.dispatchMessageCreate(makeMessage('still delivered'));
    await waitFor(() => calls >= 4);
    expect(h.client.status().ready).toBe(true);
    expect(h.logs.some((l) => l.level === 'error' && l.message === 'dispatch handler failed')).toBe(true);
  });

  it('never logs the token', async () => {
    const h = makeClient();
    await h.client.start();
    gw.hub.requestReconnect();
    await waitFor(() => h.client.status().resumes === 1);
    expect(h.logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(h.logs)).not.toContain(BOT_TOKEN);
  });

  it('stop() closes with 1000, ends the session and resolves closed()', async () => {
    const h = makeClient();
    await h.client.start();
    const before = gw.hub.stats().sessions;
    await h.client.stop();
    await expect(h.client.closed()).resolves.toBeUndefined();
    expect(h.client.status().ready).toBe(false);
    await waitFor(() => gw.hub.stats().sessions === before - 1, 3000, 'the session to end');
  });
});

describe('fatal close codes', () => {
  it('4004: start() and closed() reject with a clear invalid-token error', async () => {
    const h = makeClient({ token: 'not-a-valid-token' });
    const error = await h.client.start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CordformError);
    expect(error).toMatchObject({ code: 'gateway_authentication_failed', details: { closeCode: 4004 } });
    expect((error as Error).message).toMatch(/4004/);
    expect((error as Error).message).toMatch(/token is invalid/);
    await expect(h.client.closed()).rejects.toBe(error);
  });

  it('4014: rejects naming the MESSAGE_CONTENT intent and the Developer Portal', async () => {
    const h = makeClient({ token: LIMITED_BOT_TOKEN });
    await expect(h.client.start()).rejects.toMatchObject({
      code: 'gateway_disallowed_intents',
      message: expect.stringMatching(/4014.*MESSAGE_CONTENT.*Developer Portal/s),
    });
  });

  it('4013 after READY: closed() rejects and the client stops reconnecting', async () => {
    const h = makeClient();
    await h.client.start();
    gw.hub.disconnectAll(4013);
    await expect(h.client.closed()).rejects.toMatchObject({ code: 'gateway_invalid_intents' });
    const connections = gw.hub.stats().connections;
    await new Promise((r) => setTimeout(r, 100));
    expect(gw.hub.stats().connections).toBeLessThanOrEqual(connections);
    expect(h.client.status().ready).toBe(false);
  });

  it('gives up after the bounded number of reconnect attempts', async () => {
    const dead = await startTestGateway();
    const url = dead.gatewayUrl;
    await dead.close();
    const h = makeClient({
      api: { getGatewayBot: async () => ({ ...(await gw.api.getGatewayBot()), url }) },
      reconnect: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 },
    });
    await expect(h.client.start()).rejects.toMatchObject({ code: 'gateway_reconnect_exhausted' });
  });
});
