import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { parseShardFlags } from '../../src/cli/shard-flag.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { DEFAULT_BOT_TOKEN, DEFAULT_USER_ID } from '../../src/sandbox/server.js';
import type { SeedBot } from '../../src/sandbox/server.js';
import { ensureBuilt, spawnCordform, type CordformProcess } from '../support/cordform-process.js';
import { eventually } from '../support/eventually.js';
import { FIRST_CHANNEL, FIRST_GUILD, SECOND_CHANNEL, SECOND_GUILD, shardedSeed } from '../support/sharded-seed.js';

/**
 * Sharding through real `cordform run` processes against the sandbox, seeded with two
 * guilds on different shards of two: one process per shard answers each command exactly
 * once in total; `--shards auto` runs both shards in one process; 4011 is a clear error.
 */
let sandbox: Sandbox | undefined;
let dir: string | undefined;
const processes: CordformProcess[] = [];

beforeAll(ensureBuilt, 120_000);

afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop()));
  await sandbox?.close();
  sandbox = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function setUp(bot: Partial<SeedBot>): Promise<{ s: Sandbox; file: string }> {
  const s = (sandbox = await startSandbox({ seed: shardedSeed(bot), rateLimits: 'off' }));
  dir = await mkdtemp(join(tmpdir(), 'cordform-shards-'));
  const file = join(dir, 'cordform.yaml');
  const guild = (id: string) =>
    [`  - id: "${id}"`, '    prefix: ">"', '    commands:', '      - name: ping', '        actions:', '          - type: SEND_MESSAGE_TO_CHANNEL', '            message: "pong from {{guild_id}}"'].join('\n');
  await writeFile(file, ['version: 1', 'discord:', '  token: ${DISCORD_BOT_TOKEN}', `  api_base: ${s.apiBase}`, 'guilds:', guild(FIRST_GUILD), guild(SECOND_GUILD), ''].join('\n'));
  return { s, file };
}

function run(file: string, args: string[], env: Record<string, string> = {}): CordformProcess {
  const child = spawnCordform(['run', '-f', file, '--port', '0', ...args], { env: { DISCORD_BOT_TOKEN: DEFAULT_BOT_TOKEN, ...env } });
  processes.push(child);
  return child;
}

async function started(p: CordformProcess): Promise<number> {
  return Number((await p.waitFor(/"port":(\d+).*"msg":"runtime started"/))[1]);
}

function pongs(s: Sandbox, channelId: string, guildId: string): number {
  return s.state.messages.chronological(channelId).filter((m) => m.content === `pong from ${guildId}`).length;
}

async function metrics(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

describe('cordform run, sharded', () => {
  it('--shard 0/2 and --shard 1/2 (via CORDFORM_SHARD) answer a command in each guild exactly once in total', async () => {
    // max_concurrency 1: both shards share one rate-limit key, so shard 1 starts 5 s later.
    const { s, file } = await setUp({ max_concurrency: 1, shards: 2 });
    const zero = run(file, ['--shard', '0/2']);
    const one = run(file, [], { CORDFORM_SHARD: '1/2' });
    const [port0, port1] = await Promise.all([started(zero), started(one)]);

    s.postMessage({ channel_id: FIRST_CHANNEL, author_id: DEFAULT_USER_ID, content: '>ping' });
    s.postMessage({ channel_id: SECOND_CHANNEL, author_id: DEFAULT_USER_ID, content: '>ping' });
    await eventually(() => pongs(s, FIRST_CHANNEL, FIRST_GUILD) === 1 && pongs(s, SECOND_CHANNEL, SECOND_GUILD) === 1, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([pongs(s, FIRST_CHANNEL, FIRST_GUILD), pongs(s, SECOND_CHANNEL, SECOND_GUILD)]).toEqual([1, 1]);

    // Each process handled its own guild, and says which shard it is in logs and metrics.
    expect(await metrics(port0)).toContain('cordform_events_total{event="MESSAGE_CREATE",result="matched",shard="0/2"} 1');
    expect(await metrics(port1)).toContain('cordform_events_total{event="MESSAGE_CREATE",result="matched",shard="1/2"} 1');
    expect(zero.stdout()).toMatch(/"shard":"0\/2".*"msg":"runtime started"/);
    expect(one.stdout()).toMatch(/"shard":"1\/2".*"msg":"runtime started"/);
    // The wall-clock slots kept the two IDENTIFYs of one rate-limit key 5 s apart: no op 9.
    expect(zero.stdout() + one.stdout()).not.toContain('invalidated the session');
    expect([await zero.stop(), await one.stop()]).toEqual([0, 0]);
  }, 40_000);

  it('--shards auto runs every recommended shard in one process', async () => {
    const { s, file } = await setUp({ max_concurrency: 2, shards: 2 });
    const all = run(file, ['--shards', 'auto']);
    const port = await started(all);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    s.postMessage({ channel_id: FIRST_CHANNEL, author_id: DEFAULT_USER_ID, content: '>ping' });
    s.postMessage({ channel_id: SECOND_CHANNEL, author_id: DEFAULT_USER_ID, content: '>ping' });
    await eventually(() => pongs(s, FIRST_CHANNEL, FIRST_GUILD) === 1 && pongs(s, SECOND_CHANNEL, SECOND_GUILD) === 1, 10_000);
    const text = await metrics(port);
    expect(text).toContain('cordform_gateway_shard_ready{shard_id="0",shard="0-1/2"} 1');
    expect(text).toContain('cordform_gateway_shard_ready{shard_id="1",shard="0-1/2"} 1');
    expect(text).toContain('cordform_events_total{event="MESSAGE_CREATE",result="matched",shard="0-1/2"} 2');
  }, 30_000);

  it('a bot in too many guilds for one connection: exit 1 with 4011 and what to run instead', async () => {
    const { file } = await setUp({ max_guilds_per_shard: 1 });
    const unsharded = run(file, []);
    expect(await unsharded.exited).toBe(1);
    expect(unsharded.stderr()).toContain('4011 (Sharding required)');
    expect(unsharded.stderr()).toContain('--shards auto');
    expect(unsharded.stderr()).not.toContain('internal error');
  }, 30_000);

  it('bad --shard values and CORDFORM_SHARD are usage errors that name the source', async () => {
    for (const [args, env, message] of [
      [['--shard', '2/2'], {}, '--shard "2/2": the shard id must be below the shard count'],
      [['--shard', 'two'], {}, '--shard expects I/N'],
      [['--shards', '4'], {}, '--shards accepts only "auto"'],
      [['--shard', '0/2', '--shards', 'auto'], {}, '--shard and --shards exclude each other'],
      [[], { CORDFORM_SHARD: '1/0' }, 'CORDFORM_SHARD "1/0": the shard count must be at least 1'],
    ] as const) {
      const io = createMemoryIo({ cwd: process.cwd(), env });
      expect(await runCli(['run', ...args], io)).toBe(1);
      expect(io.stderr()).toContain(message);
    }
  });

  it('a StatefulSet pod name works as the shard id: cordform-1/2 is shard 1 of 2', () => {
    expect(parseShardFlags({ shard: 'cordform-1/2' }, {})).toEqual({ kind: 'fixed', id: 1, count: 2 });
    expect(parseShardFlags({}, { CORDFORM_SHARD: 'web-cordform-3/4' })).toEqual({ kind: 'fixed', id: 3, count: 4 });
    expect(parseShardFlags({}, { CORDFORM_SHARD: 'auto' })).toEqual({ kind: 'auto' });
    expect(parseShardFlags({ shard: '0/1' }, { CORDFORM_SHARD: '1/2' })).toEqual({ kind: 'fixed', id: 0, count: 1 });
  });
});
