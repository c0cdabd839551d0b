import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { readFaultFile } from '../../src/sandbox/http/faults.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { BOT, GENERAL } from '../sandbox/helpers.js';

/** The sandbox's fault injection itself: each kind, schedules, seeded probabilities, the admin API. */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off' });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  sandbox.reset();
  sandbox.faults.clear();
});

const CREATE = 'POST /channels/{channel.id}/webhooks';
const auth = { authorization: `Bot ${BOT.token}`, 'content-type': 'application/json' };

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sandbox.url}/__sandbox${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Raw undici request: resolves with status/headers/text, or the network error. */
async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
  try {
    const res = await request(`${sandbox.apiBase}${path}`, {
      method,
      headers: auth,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      reset: true,
    });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  } catch (error) {
    return { status: 0, headers: {} as Record<string, string | string[] | undefined>, text: '', error: error as Error };
  }
}

const webhookCount = () => sandbox.state.webhooks.all().length;

describe('fault kinds', () => {
  it('status: Discord-style 5xx and 401 bodies, nothing applied', async () => {
    for (const status of [500, 502, 503, 401] as const) {
      sandbox.faults.replace([{ route: CREATE, fault: 'status', status, schedule: [1] }]);
      const res = await call('POST', `/channels/${GENERAL}/webhooks`, { name: 'x' });
      expect(res.status).toBe(status);
      expect(JSON.parse(res.text)).toEqual({ message: expect.stringMatching(new RegExp(`^${status}: `)), code: 0 });
    }
    expect(webhookCount()).toBe(0);
    const log = sandbox.requests();
    expect(log.map((e) => [e.status, e.fault])).toEqual([
      [500, 'status'],
      [502, 'status'],
      [503, 'status'],
      [401, 'status'],
    ]);
  });

  it('rate_limit: bucket 429 with bucket headers, global 429 without', async () => {
    sandbox.faults.replace([
      { route: CREATE, fault: 'rate_limit', retry_after_ms: 250, schedule: [1] },
      { route: CREATE, fault: 'rate_limit', global: true, retry_after_ms: 1500, schedule: [2] },
      { route: CREATE, fault: 'rate_limit', scope: 'shared', schedule: [3] },
    ]);
    const bucket = await call('POST', `/channels/${GENERAL}/webhooks`, { name: 'x' });
    expect(bucket.status).toBe(429);
    expect(bucket.headers).toMatchObject({
      'retry-after': '1',
      'x-ratelimit-scope': 'user',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset-after': '0.250',
      'x-ratelimit-limit': '5',
    });
    expect(bucket.headers['x-ratelimit-bucket']).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(bucket.text)).toEqual({ message: 'You are being rate limited.', retry_after: 0.25, global: false });
    const global = await call('POST', `/channels/${GENERAL}/webhooks`, { name: 'x' });
    expect(global.status).toBe(429);
    expect(global.headers).toMatchObject({ 'retry-after': '2', 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' });
    expect(global.headers['x-ratelimit-bucket']).toBeUndefined();
    expect(JSON.parse(global.text)).toEqual({ message: 'You are being rate limited.', retry_after: 1.5, global: true });
    const shared = await call('POST', `/channels/${GENERAL}/webhooks`, { name: 'x' });
    expect(shared.headers['x-ratelimit-scope']).toBe('shared');
    expect(JSON.parse(shared.text).message).toBe('The resource is being rate limited.');
    expect(webhookCount()).toBe(0);
    expect(sandbox.requests().map((e) => e.scope)).toEqual(['user', 'global', 'shared']);
  });

  it('latency delays the answer', async () => {
    sandbox.faults.replace([{ route: 'GET *', fault: 'latency', latency_ms: 150, probability: 1 }]);
    const started = performance.now();
    const res = await call('GET', `/channels/${GENERAL}/webhooks`);
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('reset: the socket is destroyed and nothing is applied', async () => {
    sandbox.faults.replace([{ route: CREATE, fault: 'reset', schedule: [1] }]);
    const res = await call('POST', `/channels/${GENERAL}/webhooks`, { name: 'x' });
    expect(res.status).toBe(0);
    expect(res.error).toBeDefined();
    expect(webhookCount()).toBe(0);
    expect(sandbox.requests()[0]).toMatchObject({ status: 0, fault: 'reset' });
  });

  it('drop_after_write: applied, but the client gets no answer', async () => {
    sandbox.faults.replace([{ route: CREATE, fault: 'drop_after_write', schedule: [1] }]);
    const res = await call('POST', `/channels/${GENERAL}/webhooks`, { name: 'x' });
    expect(res.status).toBe(0);
    expect(webhookCount()).toBe(1);
    expect(sandbox.requests()[0]).toMatchObject({ status: 200, fault: 'drop_after_write' });
  });

  it('truncate: applied, answered 200 with half a JSON body', async () => {
    sandbox.faults.replace([{ route: CREATE, fault: 'truncate', schedule: [1] }]);
    const res = await call('POST', `/channels/${GENERAL}/webhooks`, { name: 'x' });
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text)).toThrow();
    expect(res.text.startsWith('{"')).toBe(true);
    expect(webhookCount()).toBe(1);
  });
});

describe('when faults fire', () => {
  it('a schedule counts matching requests only', async () => {
    sandbox.faults.replace([{ route: CREATE, fault: 'status', status: 503, schedule: [2, 4] }]);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      await call('GET', `/channels/${GENERAL}/webhooks`);
      statuses.push((await call('POST', `/channels/${GENERAL}/webhooks`, { name: `w${i}` })).status);
    }
    expect(statuses).toEqual([200, 503, 200, 503, 200]);
    const snapshot = (await admin('GET', '/faults')).body;
    expect(snapshot.faults[0]).toMatchObject({ matched: 5, injected: 2 });
    expect(snapshot.injected.status).toBe(2);
    expect(snapshot.total_injected).toBe(2);
  });

  it('a seeded probability is reproducible, and max caps it', async () => {
    const run = async () => {
      sandbox.faults.replace({ seed: 42, faults: [{ route: 'GET /channels/{channel.id}/webhooks', fault: 'status', status: 500, probability: 0.3 }] });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await call('GET', `/channels/${GENERAL}/webhooks`)).status);
      return out;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const failures = first.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(4);
    expect(failures).toBeLessThan(24);
    sandbox.faults.replace([{ route: '*', fault: 'status', status: 500, probability: 1, max: 3 }]);
    const capped: number[] = [];
    for (let i = 0; i < 6; i++) capped.push((await call('GET', `/channels/${GENERAL}/webhooks`)).status);
    expect(capped).toEqual([500, 500, 500, 200, 200, 200]);
  });
});

describe('admin API and file format', () => {
  it('POST replaces, GET reports counters, DELETE clears; invalid sets are refused whole', async () => {
    const set = { seed: 7, faults: [{ route: 'DELETE /webhooks/{webhook.id}', fault: 'reset', probability: 0.5 }] };
    const posted = await admin('POST', '/faults', set);
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ seed: 7, faults: [{ route: 'DELETE /webhooks/{webhook.id}', matched: 0, injected: 0 }] });
    const bad = await admin('POST', '/faults', [{ route: 'POST /nowhere', fault: 'reset', probability: 1 }]);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/matches no sandbox API route/);
    const both = await admin('POST', '/faults', [{ route: '*', fault: 'reset', probability: 1, schedule: [1] }]);
    expect(both.status).toBe(400);
    expect(both.body.message).toMatch(/exactly one of probability/);
    expect((await admin('GET', '/faults')).body.faults).toHaveLength(1);
    expect((await admin('DELETE', '/faults')).status).toBe(204);
    expect((await admin('GET', '/faults')).body.faults).toEqual([]);
  });

  it('reads the shipped example and `cordform sandbox --faults FILE`', async () => {
    const example = await readFaultFile(new URL('../../examples/sandbox-faults.yaml', import.meta.url).pathname);
    expect(example.faults.length).toBeGreaterThan(3);
    const dir = await mkdtemp(join(tmpdir(), 'cordform-faults-'));
    try {
      const file = join(dir, 'faults.yaml');
      await writeFile(file, 'faults:\n  - route: GET /users/@me\n    fault: status\n    status: 503\n    schedule: [1]\n');
      const controller = new AbortController();
      const io = createMemoryIo({ cwd: dir, signal: controller.signal });
      const exit = runCli(['sandbox', '--faults', file, '--rate-limits', 'off'], io);
      const deadline = Date.now() + 5000;
      while (!io.stdout().includes('listening on') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const url = /listening on (\S+)/.exec(io.stdout())?.[1];
      const me = () => fetch(`${url}/api/v10/users/@me`, { headers: { authorization: `Bot ${BOT.token}` } });
      expect((await me()).status).toBe(503);
      expect((await me()).status).toBe(200);
      controller.abort();
      expect(await exit).toBe(0);
      await writeFile(file, 'faults:\n  - route: GET /users/@me\n    fault: teapot\n    probability: 1\n');
      const badIo = createMemoryIo({ cwd: dir });
      expect(await runCli(['sandbox', '--faults', file], badIo)).toBe(1);
      expect(badIo.stderr()).toMatch(/faults\.yaml:3:12: faults\.0\.fault: must be one of status, rate_limit/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
