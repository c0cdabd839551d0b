import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelId, manifestYaml, seedWithChannels, startHarness, type Harness } from '../support/cli-harness.js';

/**
 * Convergence: for random manifests applied one after another (so every kind of change
 * happens: creates, renames, moves, deletes), apply always succeeds, the next plan is
 * empty and live state equals the manifest — also when two applies run at once.
 */
const CHANNELS = [0, 1, 2, 3].map(channelId);
const NAMES = ['Deploys', 'Alerts', 'CI', 'Release Notes', 'Ops', 'Status'];

const declaredSet = fc
  .uniqueArray(fc.record({ name: fc.constantFrom(...NAMES), channel: fc.constantFrom(...CHANNELS) }), {
    selector: (w) => `${w.channel}/${w.name}`,
    maxLength: 10,
  })
  .filter((hooks) => CHANNELS.every((c) => hooks.filter((h) => h.channel === c).length <= 15));

describe('apply converges (property, against the sandbox)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: seedWithChannels(4) });
  });
  afterAll(async () => h.close());

  it('for any sequence of manifests, apply then plan is empty and live == manifest', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(declaredSet, { minLength: 1, maxLength: 3 }), async (sequence) => {
        h.sandbox.reset();
        for (const hooks of sequence) {
          const file = await h.manifest(manifestYaml(hooks));
          const apply = await h.cli(['apply', '-f', file, '--auto-approve', '--quiet', '--max-deletes', '100', '--force']);
          expect(apply.stderr).toBe('');
          expect(apply.code).toBe(0);
          const plan = await h.cli(['plan', '-f', file, '--detailed-exitcode']);
          expect(plan.code).toBe(0);
          const live = (await h.webhooks()).map((w) => `${w.channel_id}/${w.name}`).sort();
          expect(live).toEqual(hooks.map((w) => `${w.channel}/${w.name}`).sort());
        }
      }),
      { numRuns: 25, seed: 20261122 },
    );
  }, 120_000);

  it('for any sequence of manifests, two applies at once end with each declared webhook exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(declaredSet, { minLength: 1, maxLength: 3 }), async (sequence) => {
        h.sandbox.reset();
        // Creates take a little while, so both applies plan before either create lands.
        h.sandbox.faults.replace({ seed: 1, faults: [{ route: 'POST /channels/{channel.id}/webhooks', fault: 'latency', latency_ms: 25, probability: 1 }] });
        try {
          for (const hooks of sequence) {
            const file = await h.manifest(manifestYaml(hooks));
            const args = ['apply', '-f', file, '--auto-approve', '--quiet', '--max-deletes', '100', '--force'];
            const runs = await Promise.all([h.cli(args), h.cli(args)]);
            expect(runs.some((run) => run.code === 0), runs.map((run) => run.stdout + run.stderr).join('\n')).toBe(true);
            const live = (await h.webhooks()).map((w) => `${w.channel_id}/${w.name}`).sort();
            expect(live).toEqual(hooks.map((w) => `${w.channel}/${w.name}`).sort());
          }
        } finally {
          h.sandbox.faults.clear();
        }
      }),
      { numRuns: 15, seed: 20261130 },
    );
  }, 120_000);
});
