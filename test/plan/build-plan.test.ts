import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { Change, Plan } from '../../src/plan/plan-types.js';
import { AVATAR_HASH_NOTE } from '../../src/plan/avatar.js';
import { avatar, liveBuilder, manifestBuilder } from './builders.js';

const G = '1000';
const C1 = '2001';
const C2 = '2002';
const C3 = '2003';

const actions = (plan: Plan) => plan.changes.map((c) => `${c.action} ${c.name}`);
const only = (plan: Plan): Change => {
  expect(plan.changes).toHaveLength(1);
  return plan.changes[0]!;
};

describe('buildPlan: matching', () => {
  it('creates a declared webhook that does not exist', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1, { reason: 'ship it' }).build();
    const change = only(buildPlan(manifest, liveBuilder().guild(G).build()));
    expect(change).toMatchObject({
      action: 'create',
      key: `${G}/${C1}/Deploys`,
      channelId: C1,
      ownership: 'managed',
      reason: 'ship it',
      location: { file: 'cordform.yaml', line: 2, column: 5 },
      fields: { name: { from: null, to: 'Deploys' }, channel_id: { from: null, to: C1 } },
      request: { method: 'POST', path_template: '/channels/{channel.id}/webhooks', params: { 'channel.id': C1 }, body: { name: 'Deploys' } },
      precondition: { exists: false, name: 'Deploys', channel_id: C1 },
    });
  });

  it('plans nothing when an owned webhook matches by (channel, name)', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'Deploys' }).build();
    expect(buildPlan(manifest, live).changes).toEqual([]);
  });

  it('renames through renamed_from in the same channel (keeps the webhook and its URL)', () => {
    const manifest = manifestBuilder().guild(G).webhook('Releases', C1, { renamedFrom: 'Deploys' }).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'Deploys' }).build();
    expect(only(buildPlan(manifest, live))).toMatchObject({
      action: 'update',
      webhookId: '3001',
      fields: { name: { from: 'Deploys', to: 'Releases' } },
      request: { method: 'PATCH', path_template: '/webhooks/{webhook.id}', params: { 'webhook.id': '3001' }, body: { name: 'Releases' } },
      precondition: { exists: true, webhook_id: '3001', name: 'Deploys', channel_id: C1, avatar: null },
    });
  });

  it('without renamed_from a rename is a create + delete, with a hint to add renamed_from', () => {
    const manifest = manifestBuilder().guild(G).webhook('Releases', C1).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'Deploys' }).build();
    const plan = buildPlan(manifest, live);
    expect(actions(plan)).toEqual(['create Releases', 'delete Deploys']);
    const hint = plan.warnings.find((w) => w.code === 'rename_hint');
    expect(hint?.message).toContain('if this is a rename, add `renamed_from: Deploys` to keep the URL');
    expect(plan.warnings.some((w) => w.code === 'delete')).toBe(true);
  });

  it('moves a webhook whose name exists in exactly one other channel (PATCH channel_id)', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C2).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'Deploys' }).build();
    expect(only(buildPlan(manifest, live))).toMatchObject({
      action: 'move',
      webhookId: '3001',
      channelId: C2,
      fields: { channel_id: { from: C1, to: C2 } },
      request: { body: { channel_id: C2 } },
    });
  });

  it('treats an ambiguous move (two candidates) as one replace (new URL) plus a delete, with a warning', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C3).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: '3001', channel: C1, name: 'Deploys' })
      .webhook({ id: '3002', channel: C2, name: 'Deploys' })
      .build();
    const plan = buildPlan(manifest, live);
    expect(actions(plan)).toEqual(['replace Deploys', 'delete Deploys']);
    const replace = plan.changes.find((c) => c.action === 'replace');
    // The oldest candidate is the one replaced; the other is pruned.
    expect(replace).toMatchObject({ webhookId: '3001', channelId: C3, fields: { channel_id: { from: C1, to: C3 } } });
    expect(plan.summary).toMatchObject({ create: 0, delete: 1, replace: 1 });
    expect(plan.warnings.find((w) => w.code === 'ambiguous_move')?.message).toContain('3001');
  });

  it('does not move one webhook for two declarations that both want it', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C2).webhook('Deploys', C3).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'Deploys' }).build();
    const plan = buildPlan(manifest, live);
    expect(plan.summary).toMatchObject({ create: 1, replace: 1, move: 0, delete: 0 });
    expect(plan.warnings.filter((w) => w.code === 'ambiguous_move')).toHaveLength(2);
  });

  it('deletes undeclared owned webhooks only when the guild prunes', () => {
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'Old' }).build();
    const pruning = buildPlan(manifestBuilder().guild(G).build(), live);
    expect(only(pruning)).toMatchObject({
      action: 'delete',
      webhookId: '3001',
      key: `${G}/${C1}/Old`,
      request: { method: 'DELETE', path_template: '/webhooks/{webhook.id}', body: null },
    });
    const keeping = buildPlan(manifestBuilder().guild(G, { prune: false }).build(), live);
    expect(keeping.changes).toEqual([]);
    expect(keeping.ignored).toEqual([
      { webhookId: '3001', guildId: G, name: 'Old', channelId: C1, class: 'managed', reason: expect.stringContaining('prune: false') },
    ]);
  });

  it('never touches a foreign webhook, even with the declared (channel, name)', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: '3001', channel: C1, name: 'Deploys', creator: 'human' })
      .webhook({ id: '3002', channel: C2, name: 'Human hook', creator: 'human' })
      .build();
    const plan = buildPlan(manifest, live);
    expect(actions(plan)).toEqual(['create Deploys']);
    expect(plan.ignored.map((i) => [i.webhookId, i.class])).toEqual([
      ['3001', 'foreign'],
      ['3002', 'foreign'],
    ]);
    expect(plan.ignored[0]?.reason).toContain('ignored (not owned)');
    expect(plan.warnings.find((w) => w.code === 'adopt_hint')?.message).toContain('id: "3001"');
  });

  it('counts a webhook created through the application (no user, same application_id) as owned', () => {
    const live = liveBuilder().guild(G).build();
    live.guilds[0]!.webhooks.push({ id: '3001', type: 1, channel_id: C1, name: 'Old', avatar: null, application_id: live.applicationId });
    expect(actions(buildPlan(manifestBuilder().guild(G).build(), live))).toEqual(['delete Old']);
  });

  it('leaves channel-follower and application webhooks alone', () => {
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: '3001', channel: C1, name: 'News', type: 2 })
      .webhook({ id: '3002', channel: C1, name: 'App', type: 3, creator: 'app' })
      .build();
    const plan = buildPlan(manifestBuilder().guild(G).build(), live);
    expect(plan.changes).toEqual([]);
    expect(plan.ignored.map((i) => i.class)).toEqual(['channel_follower', 'application']);
  });
});

describe('buildPlan: adoption by id', () => {
  it('adopts a foreign webhook and renames it', () => {
    const manifest = manifestBuilder().guild(G).webhook('Alerts', C1, { id: '3001' }).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'alice hook', creator: 'human' }).build();
    const plan = buildPlan(manifest, live);
    expect(only(plan)).toMatchObject({
      action: 'adopt',
      ownership: 'adopted',
      webhookId: '3001',
      fields: { name: { from: 'alice hook', to: 'Alerts' } },
    });
    expect(plan.summary.adopt).toBe(1);
    expect(plan.warnings.map((w) => w.code)).toContain('adopt');
  });

  it('plans nothing for an adopted webhook that already matches, and never prunes it', () => {
    const manifest = manifestBuilder().guild(G).webhook('Alerts', C1, { id: '3001' }).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'Alerts', creator: 'human' }).build();
    expect(buildPlan(manifest, live).changes).toEqual([]);
    const unpinned = buildPlan(manifestBuilder().guild(G).build(), live);
    expect(unpinned.changes).toEqual([]);
    expect(unpinned.ignored[0]?.class).toBe('foreign');
  });

  it('a pin wins over name matching: the pinned webhook is not also matched by another declaration', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', C1, { id: '3001' }).webhook('B', C1).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'B' }).build();
    const plan = buildPlan(manifest, live);
    expect(actions(plan)).toEqual(['update A', 'create B']);
    expect(plan.changes[0]).toMatchObject({ ownership: 'managed', webhookId: '3001' });
  });

  it('a pinned owned webhook in another channel is a move', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', C2, { id: '3001' }).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'A' }).build();
    expect(only(buildPlan(manifest, live)).action).toBe('move');
  });
});

describe('buildPlan: avatars', () => {
  const md5 = '0123456789abcdef0123456789abcdef';
  const plan = (declared: string | undefined, live: string | null) =>
    buildPlan(
      manifestBuilder()
        .guild(G)
        .webhook('Deploys', C1, declared === undefined ? {} : { avatar: avatar(declared, md5) })
        .build(),
      liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'Deploys', avatar: live }).build(),
    );

  it('equal hash and MD5 → no change; none and none → no change', () => {
    expect(plan('./a.png', md5).changes).toEqual([]);
    expect(plan(undefined, null).changes).toEqual([]);
  });

  it('declared none, live set → update to null (removes the avatar)', () => {
    expect(only(plan(undefined, 'feedface'))).toMatchObject({
      action: 'update',
      fields: { avatar: { from: 'feedface', to: null } },
      request: { body: { avatar: null } },
    });
  });

  it('declared file, live none → upload, referenced by path and MD5 (never the data URI)', () => {
    const change = only(plan('./a.png', null));
    expect(change).toMatchObject({
      fields: { avatar: { from: null, to: `md5:${md5} (./a.png)` } },
      request: { body: { avatar: { path: './a.png', md5 } } },
    });
    expect('note' in change ? change.note : undefined).toBeUndefined();
    expect(JSON.stringify(change)).not.toContain('data:image');
  });

  it('declared file, live hash ≠ MD5 → re-upload with an honest note and a warning', () => {
    const result = plan('./a.png', 'b004ec1740a63ca06ae2e14c5cee11f3');
    expect(only(result)).toMatchObject({
      fields: { avatar: { from: 'b004ec1740a63ca06ae2e14c5cee11f3', to: `md5:${md5} (./a.png)` } },
      note: AVATAR_HASH_NOTE,
    });
    expect(result.warnings.find((w) => w.code === 'avatar_hash')?.message).toContain('does not document');
  });

  it('a create carries the avatar reference', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1, { avatar: avatar('./a.png', md5) }).build();
    expect(only(buildPlan(manifest, liveBuilder().guild(G).build()))).toMatchObject({
      request: { body: { name: 'Deploys', avatar: { path: './a.png', md5 } } },
      fields: { avatar: { from: null, to: `md5:${md5} (./a.png)` } },
    });
  });
});

describe('buildPlan: execution order', () => {
  it('runs updates and moves before creates, and other deletes last', () => {
    const manifest = manifestBuilder()
      .guild(G)
      .webhook('New', C1)
      .webhook('Renamed', C1, { renamedFrom: 'Before' })
      .webhook('Moved', C2)
      .build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: '3001', channel: C1, name: 'Before' })
      .webhook({ id: '3002', channel: C1, name: 'Moved' })
      .webhook({ id: '3003', channel: C3, name: 'Gone' })
      .build();
    expect(actions(buildPlan(manifest, live))).toEqual(['update Renamed', 'move Moved', 'create New', 'delete Gone']);
  });

  it('at the 15 limit, deletes that free a slot run before the creates in that channel', () => {
    const builder = manifestBuilder().guild(G);
    for (let i = 0; i < 14; i++) builder.webhook(`filler-${i}`, C1);
    const manifest = builder.webhook('New', C1).webhook('Elsewhere', C2).build();
    const live = liveBuilder()
      .guild(G)
      .fill(C1, 14)
      .webhook({ id: '3998', channel: C1, name: 'Old' })
      .webhook({ id: '3999', channel: C3, name: 'Unrelated' })
      .build();
    const plan = buildPlan(manifest, live);
    expect(actions(plan)).toEqual(['delete Old', 'create New', 'create Elsewhere', 'delete Unrelated']);
    expect(plan.blockers).toEqual([]);
  });
});

describe('buildPlan: thresholds', () => {
  const liveWith = (count: number) => liveBuilder().guild(G).fill(C1, count).build();
  const keep = (builder: ReturnType<typeof manifestBuilder>, from: number, to: number) => {
    for (let i = from; i < to; i++) builder.webhook(`filler-${i}`, C1);
    return builder;
  };

  it('requires --force when more than 30% of ≥10 owned webhooks are deleted', () => {
    const plan = buildPlan(keep(manifestBuilder().guild(G), 0, 6).build(), liveWith(10));
    expect(plan.thresholds).toEqual([
      { guildId: G, owned: 10, updates: 0, deletes: 4, minExisting: 10, updatePercent: 0.3, deletePercent: 0.3, requiresForce: true },
    ]);
  });

  it('does not at exactly 30%, nor below minExisting', () => {
    expect(buildPlan(keep(manifestBuilder().guild(G), 0, 7).build(), liveWith(10)).thresholds[0]?.requiresForce).toBe(false);
    expect(buildPlan(manifestBuilder().guild(G).build(), liveWith(9)).thresholds[0]?.requiresForce).toBe(false);
  });

  it('counts updates and moves against updatePercent; thresholds are per guild settings', () => {
    const builder = manifestBuilder().guild(G, { thresholds: { minExisting: 2, updatePercent: 0.5 } });
    builder.webhook('x-0', C1, { renamedFrom: 'filler-0' }).webhook('filler-1', C2).webhook('filler-2', C1);
    const plan = buildPlan(builder.build(), liveWith(3));
    expect(plan.thresholds[0]).toMatchObject({ owned: 3, updates: 2, deletes: 0, requiresForce: true });
  });
});

describe('buildPlan: --target', () => {
  const manifest = manifestBuilder().guild(G).webhook('A', C1).webhook('B', C1).build();
  const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C2, name: 'Gone' }).build();

  it('keeps only changes whose key or name is targeted and warns that the plan is partial', () => {
    const byName = buildPlan(manifest, live, { targets: ['B'] });
    expect(actions(byName)).toEqual(['create B']);
    expect(byName.targets).toEqual(['B']);
    expect(byName.warnings[0]?.code).toBe('partial_plan');
    expect(byName.warnings.some((w) => w.code === 'delete')).toBe(false);
    expect(actions(buildPlan(manifest, live, { targets: [`${G}/${C1}/A`, `${G}/${C2}/Gone`] }))).toEqual(['create A', 'delete Gone']);
  });

  it('no targets → full plan without the partial warning', () => {
    const plan = buildPlan(manifest, live, { targets: [] });
    expect(plan.changes).toHaveLength(3);
    expect(plan.warnings.some((w) => w.code === 'partial_plan')).toBe(false);
  });
});

describe('buildPlan: purity', () => {
  it('does not mutate its inputs', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', C1).webhook('B', C2, { renamedFrom: 'x' }).build();
    const live = liveBuilder().guild(G, { channels: [C1] }).webhook({ id: '3001', channel: C3, name: 'A' }).build();
    const before = structuredClone({ manifest, live });
    buildPlan(manifest, live, { targets: ['A'] });
    expect({ manifest, live }).toEqual(before);
  });

  it('a declared guild missing from the live state is a blocker, not "create everything"', () => {
    const plan = buildPlan(manifestBuilder().guild(G).webhook('A', C1).build(), liveBuilder().build());
    expect(plan.changes).toEqual([]);
    expect(plan.blockers.map((b) => b.code)).toEqual(['guild_not_read']);
  });
});
