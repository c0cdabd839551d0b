import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelId, manifestYaml, seedWithChannels, startHarness, type Harness } from '../support/cli-harness.js';

/** Under the sandbox's default (Discord-like) limits, a normal apply never receives a 429. */
describe('apply under the default rate limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ rateLimits: 'discord', seed: seedWithChannels(10) });
  });
  afterAll(async () => h.close());

  it('creates 100 webhooks across 10 channels with zero 429s, and the next plan is empty', async () => {
    const webhooks = Array.from({ length: 100 }, (_, i) => ({ name: `Hook ${String(i).padStart(3, '0')}`, channel: channelId(i % 10) }));
    const file = await h.manifest(manifestYaml(webhooks));
    const apply = await h.cli(['apply', '-f', file, '--auto-approve', '--quiet']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('Apply complete: 100 done, 0 failed, 0 skipped.');
    const requests = h.requests();
    expect(requests.filter((r) => r.status === 429)).toEqual([]);
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(100);
    expect(await h.webhooks()).toHaveLength(100);
    const again = await h.cli(['plan', '-f', file, '--detailed-exitcode']);
    expect(again.code).toBe(0);
  }, 60_000);
});
