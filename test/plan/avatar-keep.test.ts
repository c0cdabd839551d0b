import { describe, expect, it } from 'vitest';
import { buildPlan, manifestFingerprint } from '../../src/plan/index.js';
import { planRotation } from '../../src/plan/rotation.js';
import { avatar, liveBuilder, manifestBuilder } from './builders.js';

/** `avatar: keep` (what `cordform import` writes): the live avatar is never compared, uploaded or removed. */
describe('avatar: keep', () => {
  const G = '1000';
  const C = '2001';

  it('plans no change for a live avatar that a declaration without avatar would remove', () => {
    const live = liveBuilder().guild(G).webhook({ id: '5001', channel: C, name: 'A', avatar: 'live-hash' }).build();
    const without = buildPlan(manifestBuilder().guild(G).webhook('A', C).build(), live);
    expect(without.changes.map((c) => [c.action, Object.keys(c.fields)])).toEqual([['update', ['avatar']]]);
    const keep = manifestBuilder().guild(G).webhook('A', C).build();
    keep.guilds[0]!.webhooks[0]!.keepAvatar = true;
    expect(buildPlan(keep, live).changes).toEqual([]);
  });

  it('still plans the other fields, and a create without an avatar', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', '2002').webhook('B', C).build();
    for (const declaration of manifest.guilds[0]!.webhooks) declaration.keepAvatar = true;
    const live = liveBuilder().guild(G).webhook({ id: '5001', channel: C, name: 'A', avatar: 'live-hash' }).build();
    const plan = buildPlan(manifest, live);
    expect(plan.changes.map((c) => [c.action, Object.keys(c.fields).sort()])).toEqual([
      ['move', ['channel_id']],
      ['create', ['channel_id', 'name']],
    ]);
  });

  it('changes the manifest fingerprint (keep vs. a file is a different manifest)', () => {
    const plain = manifestBuilder().guild(G).webhook('A', C).build();
    const keep = manifestBuilder().guild(G).webhook('A', C).build();
    keep.guilds[0]!.webhooks[0]!.keepAvatar = true;
    const file = manifestBuilder().guild(G).webhook('A', C, { avatar: avatar('a.png', 'abc') }).build();
    const fingerprints = [plain, keep, file].map((m) => manifestFingerprint(m));
    expect(new Set(fingerprints).size).toBe(3);
  });

  it('a rotation says the new webhook starts without the kept avatar, only where the live one has an avatar', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', C).webhook('B', C).webhook('N', C).build();
    for (const declaration of manifest.guilds[0]!.webhooks) declaration.keepAvatar = declaration.name !== 'N';
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: '5001', channel: C, name: 'A', avatar: 'live-hash' })
      .webhook({ id: '5002', channel: C, name: 'B' })
      .webhook({ id: '5003', channel: C, name: 'N', avatar: 'other-hash' })
      .build();
    const plan = planRotation(manifest, live, manifest.guilds[0]!.webhooks);
    expect(plan.changes.map((c) => c.action)).toEqual(['replace', 'replace', 'replace']);
    expect(plan.warnings.filter((w) => w.code === 'avatar_hash').map((w) => w.key)).toEqual([manifest.guilds[0]!.webhooks[0]!.key]);
  });
});
