import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import type { FaultSpec } from '../../src/sandbox/http/faults.js';
import type { RequestLogEntry } from '../../src/sandbox/http/request-log.js';
import { DEFAULT_SEED, startSandbox, type Sandbox, type SandboxOptions, type SandboxSeed } from '../../src/sandbox/server.js';

/**
 * Apply under faults: for each fault kind, a 50-webhook manifest over 5 channels
 * (40 creates, 5 renames, 5 moves, 5 prunes) is applied through the CLI until
 * `plan --detailed-exitcode` says 0. Then: live state == manifest, no duplicate was ever
 * created (audit log), renames and moves kept their webhook ids, the other bot's webhook is
 * untouched, and the attempts stayed bounded.
 */
const BOT_ID = '100000000000000010';
const BOT_TOKEN = 'sandbox-bot-token';
const OTHER_TOKEN = 'sandbox-other-bot-token';
const GUILD = '100000000000000001';
const CHANNELS = ['100000000000000101', '100000000000000102', '100000000000000103', '100000000000000104', '100000000000000105'];
const PARKING = '100000000000000106';
const MAX_ROUNDS = 6;

const staleId = (k: number) => `10000000000000070${k}`;
const oldId = (k: number) => `10000000000000080${k}`;
const moverId = (k: number) => `10000000000000090${k}`;

/** DEFAULT_SEED + six channels; per channel: one stale owned webhook (pruned) and one to rename; five movers parked in a sixth. */
function matrixSeed(): SandboxSeed {
  const seed = structuredClone(DEFAULT_SEED) as SandboxSeed & { webhooks?: unknown[] };
  const guild = seed.guilds[0]!;
  guild.channels = [
    ...guild.channels,
    ...[...CHANNELS, PARKING].map((id, i) => ({ id, name: `faults-${i + 1}`, type: 0, position: 10 + i })),
  ];
  seed.webhooks = CHANNELS.flatMap((channel, k) => [
    { id: staleId(k), channel_id: channel, name: `stale-${k}`, creator_id: BOT_ID },
    { id: oldId(k), channel_id: channel, name: `old-${k}`, creator_id: BOT_ID },
    { id: moverId(k), channel_id: PARKING, name: `mover-${k}`, creator_id: BOT_ID },
  ]);
  return seed;
}

interface Declared {
  channel: string;
  name: string;
  renamedFrom?: string;
}

/** 10 per channel: 8 new, 1 renamed from old-k, 1 moved in from the parking channel. */
const DECLARED: Declared[] = CHANNELS.flatMap((channel, k) => [
  ...Array.from({ length: 8 }, (_, i) => ({ channel, name: `hook-${k}-${i}` })),
  { channel, name: `renamed-${k}`, renamedFrom: `old-${k}` },
  { channel, name: `mover-${k}` },
]);

function manifestYaml(apiBase: string): string {
  const lines = ['version: 1', 'discord:', '  token: ${DISCORD_BOT_TOKEN}', `  api_base: ${apiBase}`, 'guilds:', `  - id: "${GUILD}"`, '    webhooks:'];
  for (const d of DECLARED) {
    lines.push(`      - name: ${d.name}`, `        channel: "${d.channel}"`);
    if (d.renamedFrom) lines.push(`        renamed_from: ${d.renamedFrom}`);
  }
  return `${lines.join('\n')}\n`;
}

const WRITES = ['POST /channels/{channel.id}/webhooks', 'PATCH /webhooks/{webhook.id}', 'DELETE /webhooks/{webhook.id}'];
const LISTS = ['GET /guilds/{guild.id}/webhooks', 'GET /channels/{channel.id}/webhooks'];
type FaultBody = FaultSpec extends infer S ? (S extends unknown ? Omit<S, 'route' | 'probability'> : never) : never;
const on = (routes: string[], probability: number, fault: FaultBody): FaultSpec[] =>
  routes.map((route) => ({ route, probability, ...fault }) as FaultSpec);

interface Scenario {
  name: string;
  faults: FaultSpec[];
  env?: Record<string, string>;
  rateLimits?: SandboxOptions['rateLimits'];
  /** Upper bound on API requests over all rounds (fault-free: ~65). */
  maxRequests: number;
}

/** A fast profile: real bucket accounting and 429s, in windows of 100 ms. */
const FAST_LIMITS: SandboxOptions['rateLimits'] = {
  global: { limit: 50, window_ms: 200 },
  buckets: { 'channel-webhooks': { limit: 5, window_ms: 100 }, webhook: { limit: 5, window_ms: 100 }, 'guild-webhooks': { limit: 5, window_ms: 100 } },
};

const SCENARIOS: Scenario[] = [
  { name: 'none (baseline)', faults: [], maxRequests: 80 },
  { name: '500', faults: on([...WRITES, ...LISTS], 0.25, { fault: 'status', status: 500 }), maxRequests: 200 },
  { name: '502', faults: on([...WRITES, ...LISTS], 0.25, { fault: 'status', status: 502 }), maxRequests: 200 },
  { name: '503', faults: on([...WRITES, ...LISTS], 0.25, { fault: 'status', status: 503 }), maxRequests: 200 },
  { name: '429 bucket storm', faults: on(WRITES, 0.3, { fault: 'rate_limit', retry_after_ms: 60 }), maxRequests: 200 },
  {
    name: '429 bucket storm + real limits',
    faults: on(WRITES, 0.2, { fault: 'rate_limit', retry_after_ms: 60 }),
    rateLimits: FAST_LIMITS,
    maxRequests: 250,
  },
  { name: '429 shared scope', faults: on(WRITES, 0.3, { fault: 'rate_limit', scope: 'shared', retry_after_ms: 60 }), maxRequests: 200 },
  { name: '429 global', faults: on(['*'], 0.15, { fault: 'rate_limit', global: true, retry_after_ms: 60 }), maxRequests: 200 },
  { name: 'latency', faults: on(['*'], 0.5, { fault: 'latency', latency_ms: 40 }), maxRequests: 80 },
  {
    // Idempotent requests only: a create that times out may still land after the re-read
    // (README "Fault injection"). The timeout stays well above what an unfaulted request
    // takes on a loaded 2-core machine running every scenario at once.
    name: 'latency past the request timeout',
    faults: on(['GET *', 'PATCH /webhooks/{webhook.id}', 'DELETE /webhooks/{webhook.id}'], 0.2, { fault: 'latency', latency_ms: 1500 }),
    env: { CORDFORM_HTTP_TIMEOUT_MS: '1000' },
    maxRequests: 150,
  },
  { name: 'reset', faults: on([...WRITES, ...LISTS], 0.25, { fault: 'reset' }), maxRequests: 200 },
  { name: 'drop_after_write', faults: on(WRITES, 0.3, { fault: 'drop_after_write' }), maxRequests: 200 },
  { name: 'truncate', faults: on([...WRITES, ...LISTS], 0.3, { fault: 'truncate' }), maxRequests: 200 },
];

let dir: string;
const measured: string[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cordform-fault-matrix-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  if (process.env.CORDFORM_FAULT_REPORT) process.stdout.write(`\n${measured.join('\n')}\n`);
});

async function adminJson<T>(sandbox: Sandbox, path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${sandbox.url}/__sandbox${path}`, init);
  return (await res.json()) as T;
}

interface LiveWebhook {
  id: string;
  channel_id: string;
  name: string;
  token: string;
  user?: { id: string };
}

async function startWorld(options: Pick<Scenario, 'rateLimits'> = {}) {
  const sandbox = await startSandbox({ seed: matrixSeed(), rateLimits: options.rateLimits ?? 'off' });
  const res = await fetch(`${sandbox.apiBase}/channels/${CHANNELS[0]}/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bot ${OTHER_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'foreign' }),
  });
  const foreign = (await res.json()) as LiveWebhook;
  await fetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' });
  const file = join(dir, `cordform-${sandbox.port}.yaml`);
  await writeFile(file, manifestYaml(sandbox.apiBase));
  return { sandbox, foreign, file };
}

async function cli(args: string[], env: Record<string, string> = {}) {
  const io = createMemoryIo({ cwd: dir, env: { DISCORD_BOT_TOKEN: BOT_TOKEN, CI: 'true', ...env } });
  const code = await runCli(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

async function assertConverged(sandbox: Sandbox, foreign: LiveWebhook): Promise<void> {
  const live = await adminJson<LiveWebhook[]>(sandbox, '/webhooks');
  const owned = live.filter((w) => w.user?.id === BOT_ID);
  const key = (w: { channel_id?: string; channel?: string; name: string }) => `${w.channel_id ?? w.channel}/${w.name}`;
  expect(owned.map(key).sort()).toEqual(DECLARED.map(key).sort());
  expect(new Set(owned.map(key)).size).toBe(owned.length);
  // Renames and moves are PATCHes: the webhooks keep their ids (and URLs).
  CHANNELS.forEach((channel, k) => {
    expect(owned.find((w) => w.id === oldId(k))).toMatchObject({ name: `renamed-${k}`, channel_id: channel });
    expect(owned.find((w) => w.id === moverId(k))).toMatchObject({ name: `mover-${k}`, channel_id: channel });
    expect(owned.find((w) => w.id === staleId(k))).toBeUndefined();
  });
  // The other bot's webhook: same id, name, channel and token.
  const stillForeign = live.filter((w) => w.user?.id !== BOT_ID);
  expect(stillForeign).toEqual([expect.objectContaining({ id: foreign.id, name: 'foreign', channel_id: CHANNELS[0], token: foreign.token })]);
  // Never a duplicate, not even one pruned later: exactly one create per new webhook.
  const audit = await adminJson<Array<{ action: string; user_id: string | null; target_id: string }>>(sandbox, '/audit-log');
  const creates = audit.filter((e) => e.action === 'WEBHOOK_CREATE' && e.user_id === BOT_ID);
  expect(creates).toHaveLength(40);
  expect(audit.some((e) => e.target_id === foreign.id && e.action !== 'WEBHOOK_CREATE')).toBe(false);
}

function summarize(log: RequestLogEntry[]): string {
  const faults = log.filter((e) => e.fault !== undefined).length;
  const byStatus = new Map<number, number>();
  for (const e of log) byStatus.set(e.status, (byStatus.get(e.status) ?? 0) + 1);
  const statuses = [...byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
  return `requests ${log.length}, faults ${faults}, statuses ${statuses}`;
}

describe('apply converges under every fault kind', () => {
  it.concurrent.each(SCENARIOS)('$name', async (scenario) => {
    const { sandbox, foreign, file } = await startWorld(scenario);
    try {
      sandbox.faults.replace({ seed: 6, faults: scenario.faults });
      const started = performance.now();
      let rounds = 0;
      let converged = false;
      const transcript: string[] = [];
      while (!converged && rounds < MAX_ROUNDS) {
        rounds += 1;
        const apply = await cli(['apply', '-f', file, '--auto-approve', '--force', '-q'], scenario.env);
        const plan = await cli(['plan', '-f', file, '--detailed-exitcode'], scenario.env);
        transcript.push(`round ${rounds}: apply ${apply.code} plan ${plan.code}\n${apply.out}${apply.err}${plan.err}`);
        converged = plan.code === 0;
        if (process.env.CORDFORM_FAULT_REPORT && (apply.code !== 0 || plan.code !== 0)) {
          measured.push(`  ${scenario.name} round ${rounds} (apply ${apply.code}, plan ${plan.code}): ${`${apply.out}${apply.err}`.split('\n').filter((l) => /FAILED|SKIPPED|Error/.test(l)).join(' | ')}`);
        }
        // No output ever shows a token.
        expect(apply.out + apply.err + plan.out + plan.err).not.toContain(BOT_TOKEN);
      }
      expect(converged, transcript.join('\n')).toBe(true);
      const log = await adminJson<RequestLogEntry[]>(sandbox, '/requests');
      const snapshot = sandbox.faults.snapshot();
      measured.push(
        `${scenario.name.padEnd(42)} rounds ${rounds}, ${summarize(log)}, injected ${snapshot.total_injected}, ${Math.round(performance.now() - started)} ms`,
      );
      if (scenario.faults.length > 0) expect(snapshot.total_injected).toBeGreaterThan(0);
      expect(log.length).toBeLessThanOrEqual(scenario.maxRequests);
      await assertConverged(sandbox, foreign);
    } finally {
      await sandbox.close();
    }
  });
});

describe('a create whose outcome is unknown is re-read, never blindly repeated', () => {
  it('truncated, dropped, 503 and reset creates: one apply, one re-read each, no duplicate', async () => {
    const { sandbox, foreign, file } = await startWorld();
    try {
      const create = 'POST /channels/{channel.id}/webhooks';
      sandbox.faults.replace([
        { route: create, fault: 'truncate', schedule: [1, 2] },
        { route: create, fault: 'drop_after_write', schedule: [3] },
        { route: create, fault: 'status', status: 503, schedule: [4] },
        { route: create, fault: 'reset', schedule: [5] },
      ]);
      const result = await cli(['apply', '-f', file, '--auto-approve', '--force']);
      expect(result.code, result.out + result.err).toBe(0);
      expect(result.out.match(/found after a lost response/g)).toHaveLength(3);
      const log = sandbox.requests();
      // Five unknown outcomes → five re-reads; the two that had not happened are sent again.
      expect(log.filter((e) => e.route === 'GET /channels/:channel_id/webhooks')).toHaveLength(5);
      expect(log.filter((e) => e.method === 'POST')).toHaveLength(42);
      expect((await cli(['plan', '-f', file, '--detailed-exitcode'])).code).toBe(0);
      await assertConverged(sandbox, foreign);
    } finally {
      await sandbox.close();
    }
  });
});

describe('a 401 stops everything at once', () => {
  it('mid-apply: the 5th create is refused with 401, nothing is sent after it', async () => {
    const { sandbox, file } = await startWorld();
    try {
      sandbox.faults.replace([{ route: 'POST /channels/{channel.id}/webhooks', fault: 'status', status: 401, schedule: [5] }]);
      const result = await cli(['apply', '-f', file, '--auto-approve', '--force', '--concurrency', '1']);
      expect(result.code).toBe(1);
      expect(result.out).toMatch(/401/);
      const log = sandbox.requests();
      const refused = log.findIndex((e) => e.status === 401);
      expect(refused).toBeGreaterThan(0);
      expect(log.slice(refused + 1)).toEqual([]);
      expect(log.filter((e) => e.method === 'POST')).toHaveLength(5);
      expect(log.filter((e) => e.method === 'DELETE')).toHaveLength(0);
      expect(result.out).toMatch(/Apply incomplete: \d+ done, 1 failed, \d+ skipped/);
    } finally {
      await sandbox.close();
    }
  });

  it('with every change in flight: no request goes out after the 401 is answered', async () => {
    const { sandbox, file } = await startWorld();
    try {
      sandbox.faults.replace([{ route: 'POST /channels/{channel.id}/webhooks', fault: 'status', status: 401, schedule: [3] }]);
      const result = await cli(['apply', '-f', file, '--auto-approve', '--force']);
      expect(result.code).toBe(1);
      const posts = sandbox.requests().filter((e) => e.method === 'POST');
      // Creates already on the wire may land; nothing is retried or started afterwards.
      expect(posts.length).toBeLessThanOrEqual(40);
      expect(sandbox.requests().filter((e) => e.method === 'DELETE')).toHaveLength(0);
      const again = sandbox.requests().length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sandbox.requests()).toHaveLength(again);
    } finally {
      await sandbox.close();
    }
  });

  it('on the first read: only the reads sent with it, no write at all', async () => {
    const { sandbox, file } = await startWorld();
    try {
      sandbox.faults.replace([{ route: 'GET /users/@me', fault: 'status', status: 401, schedule: [1] }]);
      const result = await cli(['apply', '-f', file, '--auto-approve', '--force']);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/401 on GET \/users\/@me/);
      const log = sandbox.requests();
      // The guild reads go out together with GET /users/@me (one round trip) and may finish.
      expect(log.filter((e) => e.method !== 'GET')).toEqual([]);
      expect(log.filter((e) => e.status === 401).map((e) => e.path)).toEqual(['/api/v10/users/@me']);
      expect(log.map((e) => e.path).filter((path) => !/\/users\/@me$|\/guilds\/\d+\/(webhooks|channels)$/.test(path))).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});
