import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYS, GENERAL, startHarness, type Harness } from '../support/cli-harness.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

describe('the README example through the CLI', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('examples/basic.yaml: plan shows creates (exit 2), apply creates them, plan is then empty (exit 0)', async () => {
    await mkdir(join(h.dir, 'avatars'), { recursive: true });
    await copyFile(join(examples, 'basic.yaml'), join(h.dir, 'basic.yaml'));
    await copyFile(join(examples, 'avatars/deploys.png'), join(h.dir, 'avatars/deploys.png'));

    const first = await h.cli(['plan', '-f', 'basic.yaml', '--detailed-exitcode']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('+ create "Deploys"');
    expect(first.stdout).toContain('+ create "Alerts"');
    expect(first.stdout).toMatch(/Plan: 2 to create, 0 to update, 0 to move, 0 to delete\./);
    expect(h.writes()).toEqual([]);

    const apply = await h.cli(['apply', '-f', 'basic.yaml', '--auto-approve']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('Apply complete: 2 done, 0 failed, 0 skipped.');
    const live = await h.webhooks();
    expect(live.map((w) => [w.channel_id, w.name]).sort()).toEqual([
      [GENERAL, 'Deploys'],
      [DEPLOYS, 'Alerts'],
    ]);
    expect(live.find((w) => w.name === 'Deploys')?.avatar).toBe('2ec88ac6e2d1fb1c14dfe558bb6f03c1');

    const second = await h.cli(['plan', '-f', 'basic.yaml', '--detailed-exitcode']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('No changes. Discord matches the manifest.');
  });
});
