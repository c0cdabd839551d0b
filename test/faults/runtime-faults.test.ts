import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryIo } from '../../src/cli/io.js';
import { GatewayClient } from '../../src/discord/gateway-client.js';
import { DiscordRestClient } from '../../src/discord/rest-client.js';
import { startRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { command, eventually, GENERAL, guild, httpPost, HUMAN_ID, manifest } from '../runtime/fixtures.js';

/**
 * The runtime under faults, end to end: sandbox (REST + gateway), the real REST and gateway
 * clients, startRuntime, and HTTP_POST targets that misbehave in every way we know. The
 * runtime must keep serving, count each outcome, never crash, and handle every gateway
 * message exactly once through drops, op 7, op 9 and garbage frames.
 */
type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

const servers: Server[] = [];
async function target(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

const reply = (res: ServerResponse, message: string, channelId = GENERAL) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: channelId, message } }));
};
const contentOf = (body: string) => (JSON.parse(body) as { content: string }).content;

let sandbox: Sandbox;
let runtime: Runtime;
let api: DiscordRestClient;
let gateway: GatewayClient | undefined;
const io = createMemoryIo({ cwd: process.cwd() });

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off', gatewayHeartbeatMs: 500 });
  const ok = await target((_req, body, res) => reply(res, `pong ${contentOf(body)}`));
  const hang = await target(() => {
    /* never answers */
  });
  const reset = await target((req) => req.socket.destroy());
  const slow = await target((_req, body, res) => setTimeout(() => reply(res, `slow ${contentOf(body)}`), 300));
  const huge = await target((_req, _body, res) => reply(res, 'x'.repeat(2 * 1024 * 1024)));
  let invalidCalls = 0;
  const invalid = await target((_req, _body, res) => {
    invalidCalls += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    if (invalidCalls % 3 === 1) res.end('{"action": "SEND_MESSAGE_TO_CHANNEL", "parameters": ');
    else if (invalidCalls % 3 === 2) res.end(JSON.stringify({ action: 'DELETE_GUILD', parameters: {} }));
    else res.end(JSON.stringify({ action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: 'not-a-snowflake' } }));
  });
  api = new DiscordRestClient({ apiBase: sandbox.apiBase, token: 'sandbox-bot-token', backoff: { baseMs: 20, maxMs: 100 } });
  runtime = await startRuntime({
    manifest: manifest(
      [
        guild([
          command('ping', [httpPost(ok)]),
          command('hang', [httpPost(hang, { timeoutMs: 300 })]),
          command('reset', [httpPost(reset)]),
          command('slow', [httpPost(slow, { timeoutMs: 2000 })]),
          command('huge', [httpPost(huge)]),
          command('invalid', [httpPost(invalid)]),
        ]),
      ],
      { discord: { token: 'sandbox-bot-token', apiBase: sandbox.apiBase } },
    ),
    api,
    createGateway: (options) =>
      (gateway = new GatewayClient({
        ...options,
        reconnect: { baseDelayMs: 20, maxDelayMs: 200 },
        invalidSessionDelayMs: { min: 20, max: 60 },
      })),
    port: 0,
    io,
  });
});

afterAll(async () => {
  await runtime?.stop();
  await api?.close();
  await sandbox?.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function post(content: string): Promise<void> {
  const res = await fetch(`${sandbox.url}/__sandbox/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channel_id: GENERAL, author_id: HUMAN_ID, content }),
  });
  expect(res.status).toBe(200);
}

async function botMessages(): Promise<string[]> {
  const res = await fetch(`${sandbox.url}/__sandbox/channels/${GENERAL}/messages`);
  const all = (await res.json()) as Array<{ content: string; author: { id: string } }>;
  return all.filter((m) => m.author.id !== HUMAN_ID).map((m) => m.content);
}

async function admin(path: string, body: unknown = {}): Promise<void> {
  const res = await fetch(`${sandbox.url}/__sandbox${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
}

async function actions(outcome: string): Promise<number> {
  const metric = await runtime.metrics.actions.get();
  return metric.values
    .filter((v) => v.labels.action === 'HTTP_POST' && v.labels.outcome === outcome)
    .reduce((sum, v) => sum + v.value, 0);
}

/** Every `>ping TAG` answered exactly once. */
async function expectPongsOnce(tags: string[]): Promise<void> {
  await eventually(async () => {
    const messages = await botMessages();
    return tags.every((tag) => messages.includes(`pong >ping ${tag}`));
  }, 10_000);
  // A late duplicate would arrive within a heartbeat or two.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const messages = await botMessages();
  for (const tag of tags) expect(messages.filter((m) => m === `pong >ping ${tag}`), tag).toHaveLength(1);
}

const readyWithSession = (previous: string | null) => async () => {
  const status = gateway?.status();
  return status?.ready === true && status.sessionId !== null && status.sessionId !== previous;
};

describe('misbehaving HTTP_POST targets', () => {
  it('hang, reset, slow, huge and invalid replies are counted; pings keep being answered', async () => {
    const started = performance.now();
    await post('>hang');
    await post('>reset');
    await post('>ping t1');
    await post('>slow');
    await post('>huge');
    for (let i = 0; i < 3; i++) await post('>invalid');
    await post('>ping t2');
    await eventually(async () => (await actions('timeout')) === 1, 5000);
    await eventually(async () => (await actions('error')) === 1, 5000);
    await eventually(async () => (await actions('too_large')) === 1, 5000);
    await eventually(async () => (await actions('invalid_reply')) === 3, 5000);
    await eventually(async () => (await botMessages()).includes('slow >slow'), 5000);
    await expectPongsOnce(['t1', 't2']);
    // The hung target's 300 ms deadline, not the default 5 s, bounded all of this.
    expect(performance.now() - started).toBeLessThan(4000);
    expect(await botMessages()).not.toContain(expect.stringMatching(/^x{100}/));
    expect((await fetch(`http://127.0.0.1:${runtime.port}/healthz`)).status).toBe(200);
  });

  it('Discord faults on the reply: a 503 and a reset are counted, never duplicated, the next reply goes out', async () => {
    sandbox.faults.replace([
      { route: 'POST /channels/{channel.id}/messages', fault: 'status', status: 503, schedule: [1] },
      { route: 'POST /channels/{channel.id}/messages', fault: 'reset', schedule: [2] },
    ]);
    try {
      const errorsBefore = (await runtime.metrics.actions.get()).values
        .filter((v) => v.labels.action === 'SEND_MESSAGE_TO_CHANNEL' && v.labels.outcome === 'error')
        .reduce((sum, v) => sum + v.value, 0);
      await post('>ping f1');
      await eventually(async () => sandbox.faults.snapshot().total_injected === 1, 5000);
      await post('>ping f2');
      await eventually(async () => sandbox.faults.snapshot().total_injected === 2, 5000);
      await post('>ping f3');
      await expectPongsOnce(['f3']);
      const messages = await botMessages();
      expect(messages.filter((m) => m === 'pong >ping f1' || m === 'pong >ping f2')).toHaveLength(0);
      const errorsAfter = (await runtime.metrics.actions.get()).values
        .filter((v) => v.labels.outcome === 'error')
        .reduce((sum, v) => sum + v.value, 0);
      expect(errorsAfter).toBeGreaterThanOrEqual(errorsBefore + 2);
    } finally {
      sandbox.faults.clear();
    }
  });
});

describe('gateway faults: every message handled exactly once', () => {
  it('a dropped connection (resumable close and TCP drop) resumes and replays what was missed', async () => {
    const resumes = gateway!.status().resumes;
    await admin('/gateway/disconnect', { code: 4000 });
    await post('>ping d1');
    await post('>ping d2');
    await eventually(async () => gateway!.status().resumes > resumes && gateway!.status().ready, 5000);
    await admin('/gateway/disconnect', { code: 1006 });
    await post('>ping d3');
    await expectPongsOnce(['d1', 'd2', 'd3']);
  });

  it('op 7 RECONNECT and op 9 resumable: resumed, nothing lost or repeated', async () => {
    await admin('/gateway/reconnect');
    await post('>ping r1');
    await eventually(async () => gateway!.status().ready, 5000);
    await admin('/gateway/invalidate', { resumable: true });
    await post('>ping r2');
    await expectPongsOnce(['r1', 'r2']);
  });

  it('op 9 not resumable: a new session, and messages after it are handled once', async () => {
    const before = gateway!.status().sessionId;
    await admin('/gateway/invalidate', { resumable: false });
    await eventually(readyWithSession(before), 5000);
    await post('>ping n1');
    await post('>ping n2');
    await expectPongsOnce(['n1', 'n2']);
  });

  it('garbage frames are ignored and the session carries on', async () => {
    const session = gateway!.status().sessionId;
    for (const frame of ['not json at all', '{"op":', '42', 'null', '[]', '{"op": 99, "d": {}}', '{"op": 0, "t": "SOMETHING_NEW", "d": null}']) {
      const res = await fetch(`${sandbox.url}/__sandbox/gateway/raw`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ frame }),
      });
      expect(await res.json()).toEqual({ sent: 1 });
    }
    await post('>ping g1');
    await post('>ping g2');
    await expectPongsOnce(['g1', 'g2']);
    expect(gateway!.status().sessionId).toBe(session);
  });

  it('after all of it: every ping of this file answered exactly once, the runtime still healthy', async () => {
    const messages = (await botMessages()).filter((m) => m.startsWith('pong >ping '));
    expect(new Set(messages).size).toBe(messages.length);
    expect(messages.sort()).toEqual(
      ['t1', 't2', 'f3', 'd1', 'd2', 'd3', 'r1', 'r2', 'n1', 'n2', 'g1', 'g2'].map((tag) => `pong >ping ${tag}`).sort(),
    );
    expect((await fetch(`http://127.0.0.1:${runtime.port}/healthz`)).status).toBe(200);
    expect(io.stdout()).not.toContain('sandbox-bot-token');
  });
});
