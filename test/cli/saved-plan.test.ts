import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEPLOYS, GENERAL, OTHER_BOT_TOKEN, manifestYaml, startHarness, type Harness } from '../support/cli-harness.js';

describe('saved plans: plan --out, then apply PLAN.json', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());
  beforeEach(async () => {
    h.sandbox.reset();
    await h.clearRequests();
  });

  it('applies exactly the saved plan, and the file holds no secrets', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    const plan = await h.cli(['plan', '-f', file, '--out', 'plan.json']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Saved the plan to plan.json');
    const saved = await readFile(join(h.dir, 'plan.json'), 'utf8');
    expect(saved).not.toContain('sandbox-bot-token');
    expect(JSON.parse(saved)).toMatchObject({ kind: 'cordform-plan', format_version: 2 });

    const apply = await h.cli(['apply', '-f', file, 'plan.json']);
    expect(apply.code).toBe(0);
    expect((await h.webhooks()).map((w) => w.name)).toEqual(['Deploys']);
  });

  it('refuses a stale plan after an out-of-band change, and writes nothing', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }, { name: 'Alerts', channel: DEPLOYS }]));
    await h.cli(['apply', '-f', file, '--auto-approve']);
    await h.manifest(manifestYaml([{ name: 'Deploys', channel: DEPLOYS }, { name: 'Alerts', channel: DEPLOYS }]));
    expect((await h.cli(['plan', '-f', file, '--out', 'plan.json'])).code).toBe(0);

    const deploys = (await h.webhooks()).find((w) => w.name === 'Deploys')!;
    await h.api('PATCH', `/webhooks/${deploys.id}`, { name: 'Deploys (hand edit)' });
    await h.clearRequests();

    const apply = await h.cli(['apply', '-f', file, 'plan.json']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('stale');
    expect(apply.stderr).toContain('Deploys (hand edit)');
    expect(h.writes()).toEqual([]);
  });

  it('refuses a saved plan when the manifest changed since', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    await h.cli(['plan', '-f', file, '--out', 'plan.json']);
    await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }, { name: 'More', channel: GENERAL }]));
    const apply = await h.cli(['apply', '-f', file, 'plan.json']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('the manifest changed since the plan was saved');
    expect(h.writes()).toEqual([]);
  });

  it('an unrelated change elsewhere in the guild does not make the plan stale', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    await h.cli(['plan', '-f', file, '--out', 'plan.json']);
    await h.api('POST', `/channels/${DEPLOYS}/webhooks`, { name: 'Someone else' }, OTHER_BOT_TOKEN);
    const apply = await h.cli(['apply', '-f', file, 'plan.json']);
    expect(apply.code).toBe(0);
  });

  it('only a saved plan carries fingerprints: plan --out has both, plan --format json none', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    await h.cli(['plan', '-f', file, '--out', 'plan.json']);
    const saved = JSON.parse(await readFile(join(h.dir, 'plan.json'), 'utf8')) as { plan: { fingerprints?: unknown } };
    expect(saved.plan.fingerprints).toEqual({ live: expect.stringMatching(/^[0-9a-f]{64}$/), manifest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const json = JSON.parse((await h.cli(['plan', '-f', file, '--format', 'json'])).stdout) as Record<string, unknown>;
    expect(json).not.toHaveProperty('fingerprints');
    expect(json).toHaveProperty('changes');
  });

  it('rejects a file that is not a saved plan with a clear error', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    await h.manifest('{"hello": 1}', 'not-a-plan.json');
    const apply = await h.cli(['apply', '-f', file, 'not-a-plan.json']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('is not a plan saved by `cordform plan --out`');
  });
});
