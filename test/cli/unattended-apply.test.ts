import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEPLOYS,
  GENERAL,
  GUILD,
  OTHER_BOT_TOKEN,
  channelId,
  manifestYaml,
  seedWithChannels,
  startHarness,
  type Harness,
} from '../support/cli-harness.js';
import { ensureBuilt, spawnCordform } from '../support/cordform-process.js';

/**
 * What a reviewer approved is exactly and only what happens to Discord, with nobody
 * watching: through the CLI against the sandbox, with real processes, concurrency and
 * signals.
 */
const [C0, C1, C2] = [channelId(0), channelId(1), channelId(2)];

interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `cordform ARGS` as its own process, like CI runs it. */
async function spawnCli(h: Harness, args: string[], options: { onStart?: (kill: (signal: NodeJS.Signals) => void) => void } = {}): Promise<ProcessRun> {
  const run = spawnCordform(args, { cwd: h.dir, env: h.env });
  options.onStart?.((signal) => run.child.kill(signal));
  const { code, signal } = await run.ended;
  return { code, signal, stdout: run.stdout(), stderr: run.stderr() };
}

/** Resolves once the sandbox has received a webhook create (the apply is writing). */
async function firstCreate(h: Harness): Promise<void> {
  while (!h.sandbox.requests().some((r) => r.method === 'POST' && r.path.endsWith('/webhooks'))) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function countByChannelAndName(webhooks: { channel_id: string | null; name: string | null }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of webhooks) counts.set(`${w.channel_id}/${w.name}`, (counts.get(`${w.channel_id}/${w.name}`) ?? 0) + 1);
  return counts;
}

const SIX = [C0, C1, C2].flatMap((channel, i) => [
  { name: `Builds ${i}`, channel },
  { name: `Alerts ${i}`, channel },
]);

describe('unattended apply', () => {
  let h: Harness;
  beforeAll(async () => {
    await ensureBuilt();
    h = await startHarness({ seed: seedWithChannels(3) });
  }, 120_000);
  afterEach(() => {
    h.sandbox.faults.clear();
    h.sandbox.reset();
  });
  afterAll(async () => h.close());

  it('renamed_from plus a channel change keeps the webhook: same id, same token, one PATCH', async () => {
    const before = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    expect((await h.cli(['apply', '-f', before, '--auto-approve'])).code).toBe(0);
    const [original] = await h.webhooks();
    const after = await h.manifest(manifestYaml([{ name: 'Releases', channel: DEPLOYS, extra: '        renamed_from: Deploys' }]), 'after.yaml');
    const plan = await h.cli(['plan', '-f', after]);
    expect(plan.stdout).toContain(`→ move "Releases" (webhook ${original!.id}) from #general (${GENERAL}) to #deploys (${DEPLOYS})`);
    expect(plan.stdout).toMatch(/name:\s+"Deploys" → "Releases"/);
    expect(plan.stdout).toMatch(/channel_id:\s+"\d+" \(#general\) → "\d+" \(#deploys\)/);
    await h.clearRequests();
    const apply = await h.cli(['apply', '-f', after, '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(h.writes().map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /api/v10/webhooks/${original!.id}`]);
    const [renamed] = await h.webhooks();
    expect(renamed).toMatchObject({ id: original!.id, token: original!.token, name: 'Releases', channel_id: DEPLOYS });
    expect((await h.cli(['plan', '-f', after, '--detailed-exitcode'])).code).toBe(0);
  });

  it('a saved plan retargeted at a foreign webhook is refused, and the foreign webhook survives', async () => {
    const foreign = await h.api('POST', `/channels/${GENERAL}/webhooks`, { name: 'Helpdesk' }, OTHER_BOT_TOKEN);
    expect(foreign.status).toBe(200);
    const first = await h.manifest(manifestYaml([{ name: 'Doomed', channel: GENERAL }]));
    expect((await h.cli(['apply', '-f', first, '--auto-approve'])).code).toBe(0);
    const managed = (await h.webhooks()).find((w) => w.name === 'Doomed')!;
    // The reviewed plan deletes the managed webhook (prune)...
    const empty = await h.manifest(manifestYaml([]), 'empty.yaml');
    expect((await h.cli(['plan', '-f', empty, '--out', 'plan.json'])).code).toBe(0);
    // ...and an attacker swaps every occurrence of its id and name for the foreign one's.
    const path = join(h.dir, 'plan.json');
    const forged = (await readFile(path, 'utf8')).split(managed.id).join(foreign.json.id).split('"Doomed"').join('"Helpdesk"').split('/Doomed').join('/Helpdesk');
    await writeFile(path, forged);
    await h.clearRequests();
    const apply = await h.cli(['apply', '-f', empty, 'plan.json']);
    expect(apply.code).not.toBe(0);
    expect(apply.stderr).toContain('does not match a fresh plan');
    expect(apply.stderr).toContain(foreign.json.id);
    expect(h.writes()).toEqual([]);
    expect((await h.webhooks()).map((w) => w.id).sort()).toEqual([foreign.json.id, managed.id].sort());
  });

  it('a truncated, hand-mangled or foreign plan file is refused with nothing written', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    expect((await h.cli(['plan', '-f', file, '--out', 'plan.json'])).code).toBe(0);
    const text = await readFile(join(h.dir, 'plan.json'), 'utf8');
    const cases: [string, string, RegExp][] = [
      ['truncated.json', text.slice(0, Math.floor(text.length / 2)), /not valid JSON.*truncated/],
      ['mangled.json', JSON.stringify({ ...JSON.parse(text), plan: { ...JSON.parse(text).plan, changes: [null] } }), /plan\.changes\[0\] is not a change/],
      ['foreign.json', JSON.stringify({ hello: 'world' }), /is not a plan saved by `cordform plan --out`/],
    ];
    await h.clearRequests();
    for (const [name, content, message] of cases) {
      await writeFile(join(h.dir, name), content);
      const apply = await h.cli(['apply', '-f', file, name]);
      expect(apply.code).toBe(1);
      expect(apply.stderr).toMatch(message);
    }
    expect(h.writes()).toEqual([]);
  });

  it('plan and apply with a --target that matches nothing exit 1, name the nearest keys and write nothing', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }, { name: 'Alerts', channel: GENERAL }]));
    await h.clearRequests();
    for (const command of ['plan', 'apply']) {
      const run = await h.cli([command, '-f', file, '--target', 'Deplys', ...(command === 'apply' ? ['--auto-approve'] : [])]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('--target matches no change and no declaration');
      expect(run.stderr).toContain('"Deploys"');
      expect(run.stdout).not.toContain('No changes');
    }
    expect(h.writes()).toEqual([]);
    // A target that names a declaration in sync is not an error.
    expect((await h.cli(['apply', '-f', file, '--auto-approve'])).code).toBe(0);
    expect((await h.cli(['plan', '-f', file, '--target', 'Deploys', '--detailed-exitcode'])).code).toBe(0);
  });

  it('two applies started at the same moment leave no duplicate, and every id a successful run printed exists', async () => {
    const file = await h.manifest(manifestYaml(SIX));
    h.sandbox.faults.replace({ seed: 1, faults: [{ route: 'POST /channels/{channel.id}/webhooks', fault: 'latency', latency_ms: 300, probability: 1 }] });
    const runs = await Promise.all([spawnCli(h, ['apply', '-f', file, '--auto-approve']), spawnCli(h, ['apply', '-f', file, '--auto-approve'])]);
    h.sandbox.faults.clear();
    const creates = h.sandbox.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/webhooks')).length;
    // Not asserted (it depends on how far apart the two processes start), but worth seeing.
    console.log(`concurrent applies: ${creates} creates sent; ${runs.filter((r) => r.stdout.includes('another apply created it at the same time')).length} run(s) settled twins`);
    const webhooks = await h.webhooks();
    expect([...countByChannelAndName(webhooks).values()].every((count) => count === 1)).toBe(true);
    expect(webhooks).toHaveLength(6);
    expect(runs.some((run) => run.code === 0)).toBe(true);
    const ids = new Set(webhooks.map((w) => w.id));
    let printed = 0;
    for (const run of runs.filter((r) => r.code === 0)) {
      // "Created webhooks" lines: `  KEY  ID  URL` (token masked).
      const webhookIds = [...run.stdout.matchAll(/ {2}(\d{15,20}) {2}http/g)].map((m) => m[1]!);
      // A run that a loaded machine started after the other had finished has nothing to create.
      if (webhookIds.length === 0) expect(run.stdout).toContain('No changes');
      printed += webhookIds.length;
      for (const id of webhookIds) expect(ids.has(id), `printed id ${id} exists`).toBe(true);
      for (const webhook of webhooks) expect(run.stdout + run.stderr).not.toContain(webhook.token!);
    }
    expect(printed).toBeGreaterThan(0);
    expect((await h.cli(['plan', '-f', file, '--detailed-exitcode'])).code).toBe(0);
  }, 60_000);

  it('another writer changing a webhook during the apply is reported, and the apply exits 1 instead of claiming success', async () => {
    const before = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    expect((await h.cli(['apply', '-f', before, '--auto-approve'])).code).toBe(0);
    const [webhook] = await h.webhooks();
    const after = await h.manifest(manifestYaml([{ name: 'Releases', channel: GENERAL, extra: '        renamed_from: Deploys' }]), 'after.yaml');
    // The second guild read is the one that confirms the apply: hold it back for a moment,
    // and let someone else rename the webhook right after the apply's own PATCH.
    h.sandbox.faults.replace({ seed: 1, faults: [{ route: 'GET /guilds/{guild.id}/webhooks', fault: 'latency', latency_ms: 800, schedule: [2] }] });
    await h.clearRequests();
    const applying = h.cli(['apply', '-f', after, '--auto-approve']);
    while (!h.requests().some((r) => r.method === 'PATCH')) await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await h.api('PATCH', `/webhooks/${webhook!.id}`, { name: 'Hijacked' })).status).toBe(200);
    const apply = await applying;
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain(`CONFLICT ${GUILD}/${GENERAL}/Releases: webhook ${webhook!.id} was changed by another writer during this apply: name is now "Hijacked" (this apply set "Releases")`);
    expect(apply.stdout).toContain('Apply incomplete');
  });

  it('SIGINT mid-apply: exit 130, says interrupted and what happened; the next apply converges with each webhook once', async () => {
    const file = await h.manifest(manifestYaml(SIX));
    h.sandbox.faults.replace({ seed: 1, faults: [{ route: 'POST /channels/{channel.id}/webhooks', fault: 'latency', latency_ms: 1000, probability: 1 }] });
    // 1.5 s into the writes (the reads before them take longer on a loaded machine).
    const run = await spawnCli(h, ['apply', '-f', file, '--auto-approve', '--concurrency', '1'], {
      onStart: (kill) => void firstCreate(h).then(() => setTimeout(() => kill('SIGINT'), 1500)),
    });
    h.sandbox.faults.clear();
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('Interrupted');
    expect(run.stdout).toContain('Apply interrupted');
    expect(run.stdout).toMatch(/not started/);
    expect(run.stdout).toMatch(/\d+ done, [1-9]\d* not started, \d+ unknown/);
    const next = await h.cli(['apply', '-f', file, '--auto-approve']);
    expect(next.code).toBe(0);
    const webhooks = await h.webhooks();
    expect(webhooks).toHaveLength(6);
    expect([...countByChannelAndName(webhooks).values()].every((count) => count === 1)).toBe(true);
  }, 60_000);

  it('a second SIGINT aborts the writes in flight at once and still reports them', async () => {
    const file = await h.manifest(manifestYaml(SIX));
    h.sandbox.faults.replace({ seed: 1, faults: [{ route: 'POST /channels/{channel.id}/webhooks', fault: 'latency', latency_ms: 3000, probability: 1 }] });
    let secondSignal = 0;
    const run = await spawnCli(h, ['apply', '-f', file, '--auto-approve'], {
      onStart: (kill) =>
        void firstCreate(h).then(() => {
          kill('SIGINT');
          setTimeout(() => {
            secondSignal = Date.now();
            kill('SIGINT');
          }, 300);
        }),
    });
    h.sandbox.faults.clear();
    // The creates take 3 s; the second Ctrl-C ends the run well before that.
    expect(Date.now() - secondSignal).toBeLessThan(2500);
    expect(run.code).toBe(130);
    expect(run.stdout).toContain('Apply interrupted');
    expect(run.stdout).toMatch(/UNKNOWN|unknown/);
    // Whatever the sandbox did with the cut-off creates, the next apply converges.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await h.cli(['apply', '-f', file, '--auto-approve'])).code).toBe(0);
    expect([...countByChannelAndName(await h.webhooks()).values()].every((count) => count === 1)).toBe(true);
  }, 60_000);
});
