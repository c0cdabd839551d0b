import { describe, expect, it } from 'vitest';
import { changeIdentity } from '../../src/apply/saved-plan.js';
import { snowflakeTime } from '../../src/discord/snowflake-time.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { auditLogReads } from '../../src/plan/drift.js';
import type { Plan } from '../../src/plan/plan-types.js';
import { renderMarkdown } from '../../src/plan/render/markdown.js';
import { renderText } from '../../src/plan/render/text.js';
import { auditEntry, avatar, BOT_ID, HUMAN_ID, liveBuilder, manifestBuilder, snowflake } from './builders.js';

/**
 * Drift in the pure planner: the audit log (data in LiveGuild) says who changed or deleted a
 * managed webhook, and a webhook someone else renamed or moved is paired with the declaration
 * it came from — never by guessing.
 */
const G = '1000';
const [C1, C2, C3] = ['2001', '2002', '2003'];
const W = '3001';
const BOB = '800000000000000002';
const actions = (plan: Plan) => plan.changes.map((c) => `${c.action} ${c.name}`).sort();
const attributions = (plan: Plan) => plan.changes.map((c) => ('attribution' in c ? c.attribution : undefined));

describe('who made a drift', () => {
  it('a rename by someone else is renamed back (same webhook id), with who, when and why', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: W, channel: C1, name: 'CI' })
      .auditLog([auditEntry({ n: 1, target: W, changes: { name: ['Deploys', 'CI'] }, reason: 'shorter' })])
      .build();
    const plan = buildPlan(manifest, live);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({
      action: 'update',
      webhookId: W,
      fields: { name: { from: 'CI', to: 'Deploys' } },
      request: { method: 'PATCH', params: { 'webhook.id': W }, body: { name: 'Deploys' } },
      attribution: { userId: HUMAN_ID, userName: 'alice', reason: 'shorter', actionType: 51, entryId: snowflake(4, 1), at: snowflakeTime(snowflake(4, 1)) },
    });
    expect(plan.warnings).toEqual([]);
  });

  it('a rename and a move in one write are one move back', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: W, channel: C2, name: 'CI' })
      .auditLog([auditEntry({ n: 1, target: W, changes: { name: ['Deploys', 'CI'], channel_id: [C1, C2] } })])
      .build();
    expect(buildPlan(manifest, live).changes).toEqual([
      expect.objectContaining({ action: 'move', webhookId: W, fields: { name: { from: 'CI', to: 'Deploys' }, channel_id: { from: C2, to: C1 } } }),
    ]);
  });

  it('only entries by someone other than the bot count: the bot\'s own rename is neither attributed nor undone', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: W, channel: C1, name: 'CI' })
      .auditLog([auditEntry({ n: 1, target: W, by: BOT_ID, changes: { name: ['Deploys', 'CI'] }, reason: 'cordform apply (abc)' })])
      .build();
    const plan = buildPlan(manifest, live);
    expect(actions(plan)).toEqual(['create Deploys', 'delete CI']);
    expect(attributions(plan)).toEqual([undefined, undefined]);
  });

  it('the latest entry for a webhook wins: by someone else, it is attributed and the trail goes back to the bot\'s name', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: W, channel: C1, name: 'Builds' })
      .auditLog([
        auditEntry({ n: 2, target: W, by: BOB, changes: { name: ['CI', 'Builds'] }, reason: 'second thoughts' }),
        auditEntry({ n: 1, target: W, changes: { name: ['Deploys', 'CI'] } }),
      ], [{ id: BOB, username: 'bob', discriminator: '0', avatar: null }])
      .build();
    const plan = buildPlan(manifest, live);
    expect(plan.changes).toEqual([
      expect.objectContaining({ action: 'update', webhookId: W, attribution: expect.objectContaining({ userId: BOB, userName: 'bob', reason: 'second thoughts' }) }),
    ]);
  });

  it('the latest entry for a webhook wins: by the bot, earlier ones by others are history, not drift', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: W, channel: C1, name: 'Releases' })
      .auditLog([
        auditEntry({ n: 2, target: W, by: BOT_ID, changes: { name: ['CI', 'Releases'] } }),
        auditEntry({ n: 1, target: W, changes: { name: ['Deploys', 'CI'] } }),
      ])
      .build();
    const plan = buildPlan(manifest, live);
    expect(actions(plan)).toEqual(['create Deploys', 'delete Releases']);
    expect(attributions(plan)).toEqual([undefined, undefined]);
  });

  it('an entry that does not lead to the live webhook (a write missing from the log) is not trusted', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: W, channel: C1, name: 'Something else' })
      .auditLog([auditEntry({ n: 1, target: W, changes: { name: ['Deploys', 'CI'] } })])
      .build();
    const plan = buildPlan(manifest, live);
    expect(actions(plan)).toEqual(['create Deploys', 'delete Something else']);
    expect(attributions(plan)).toEqual([undefined, undefined]);
  });

  it('a webhook changed with its own token (no user) is attributed to no one by name', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: W, channel: C1, name: 'CI' })
      .auditLog([auditEntry({ n: 1, target: W, by: null, changes: { name: ['Deploys', 'CI'] } })])
      .build();
    const plan = buildPlan(manifest, live);
    expect(plan.changes[0]).toMatchObject({ action: 'update', attribution: { userId: null, userName: null, reason: null } });
    expect(renderText(plan)).toContain("drift: changed in Discord by someone with the webhook's own token at ");
  });

  it('a manifest edit is not drift: an avatar changed by someone else is not attributed to a rename the manifest asks for', () => {
    const manifest = manifestBuilder().guild(G).webhook('Releases', C1, { renamedFrom: 'Deploys' }).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: W, channel: C1, name: 'Deploys', avatar: 'beef' })
      .auditLog([auditEntry({ n: 1, target: W, changes: { avatar_hash: [null, 'beef'] } })])
      .build();
    const withKeep = structuredClone(manifest);
    withKeep.guilds[0]!.webhooks[0]!.keepAvatar = true;
    const plan = buildPlan(withKeep, live);
    expect(plan.changes).toEqual([expect.objectContaining({ action: 'update', fields: { name: { from: 'Deploys', to: 'Releases' } } })]);
    expect(attributions(plan)).toEqual([undefined]);
    // Without `avatar: keep` the plan also puts the avatar back, and that is the drift.
    const manifestAvatar = manifestBuilder().guild(G).webhook('Releases', C1, { renamedFrom: 'Deploys', avatar: avatar('a.png', 'cafe') }).build();
    expect(attributions(buildPlan(manifestAvatar, live))).toEqual([expect.objectContaining({ userId: HUMAN_ID })]);
  });
});

describe('pairing a drifted webhook with its declaration is never a guess', () => {
  it('the old name declared in other channels, not in the one the log places the webhook in: no pairing', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).webhook('Deploys', C2).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: W, channel: C3, name: 'CI' })
      .auditLog([auditEntry({ n: 1, target: W, changes: { name: ['Deploys', 'CI'] } })])
      .build();
    const plan = buildPlan(manifest, live);
    expect(actions(plan)).toEqual(['create Deploys', 'create Deploys', 'delete CI']);
    // The delete still says who made the webhook undeclared.
    expect(plan.changes.find((c) => c.action === 'delete')).toMatchObject({ attribution: { userId: HUMAN_ID } });
  });

  it('the old name declared in two channels: only the declaration of the webhook\'s own channel is paired', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).webhook('Deploys', C2).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: '3000', channel: C1, name: 'Deploys' })
      .webhook({ id: W, channel: C2, name: 'CI' })
      .auditLog([auditEntry({ n: 1, target: W, changes: { name: ['Deploys', 'CI'] } })])
      .build();
    expect(buildPlan(manifest, live).changes).toEqual([expect.objectContaining({ action: 'update', webhookId: W, channelId: C2 })]);
  });

  it('two webhooks renamed away from one declaration: neither is renamed back, and the plan says why', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: '3001', channel: C1, name: 'CI' })
      .webhook({ id: '3002', channel: C1, name: 'CD' })
      .auditLog([
        auditEntry({ n: 1, target: '3001', changes: { name: ['Deploys', 'CI'] } }),
        auditEntry({ n: 2, target: '3002', changes: { name: ['Deploys', 'CD'] } }),
      ])
      .build();
    const plan = buildPlan(manifest, live);
    expect(actions(plan)).toEqual(['create Deploys', 'delete CD', 'delete CI']);
    const warning = plan.warnings.find((w) => w.code === 'drift_unpaired');
    expect(warning).toMatchObject({ guildId: G, key: `${G}/${C1}/Deploys`, location: { line: 2 } });
    expect(warning!.message).toContain('"CI" (3001)');
    expect(warning!.message).toContain('"CD" (3002)');
  });

  it('a declaration claimed otherwise (its name exists again) keeps that webhook; the renamed one is pruned, attributed', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: W, channel: C1, name: 'CI' })
      .webhook({ id: '3009', channel: C1, name: 'Deploys' })
      .auditLog([auditEntry({ n: 1, target: W, changes: { name: ['Deploys', 'CI'] } })])
      .build();
    const plan = buildPlan(manifest, live);
    expect(plan.changes).toEqual([expect.objectContaining({ action: 'delete', webhookId: W, attribution: expect.objectContaining({ userId: HUMAN_ID }) })]);
  });

  it('a declaration a move claims first is not taken away by the audit log', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: '3000', channel: C2, name: 'Deploys' })
      .webhook({ id: W, channel: C1, name: 'CI' })
      .auditLog([auditEntry({ n: 1, target: W, changes: { name: ['Deploys', 'CI'] } })])
      .build();
    const plan = buildPlan(manifest, live);
    expect(actions(plan)).toEqual(['delete CI', 'move Deploys']);
  });

  it('a renamed webhook the bot does not own is never paired', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: W, channel: C1, name: 'CI', creator: 'human' })
      .auditLog([auditEntry({ n: 1, target: W, changes: { name: ['Deploys', 'CI'] } })])
      .build();
    expect(actions(buildPlan(manifest, live))).toEqual(['create Deploys']);
  });
});

describe('a webhook deleted out of band', () => {
  const deleted = (n: number, by: string, extra: Record<string, [unknown, unknown]> = {}) =>
    auditEntry({ n, target: snowflake(3, n), by, action: 52, changes: { type: [1, null], channel_id: [C1, null], name: ['Deploys', null], ...extra }, reason: 'gone' });

  it('the create that brings it back says who deleted it', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder().guild(G).auditLog([deleted(1, HUMAN_ID, { application_id: [BOT_ID, null] })]).build();
    expect(buildPlan(manifest, live).changes).toEqual([
      expect.objectContaining({ action: 'create', attribution: expect.objectContaining({ userId: HUMAN_ID, userName: 'alice', actionType: 52, reason: 'gone' }) }),
    ]);
  });

  it('not when the latest delete of that name was the bot\'s own prune, nor for another application\'s webhook', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const pruned = liveBuilder().guild(G).auditLog([deleted(2, BOT_ID), deleted(1, HUMAN_ID)]).build();
    expect(attributions(buildPlan(manifest, pruned))).toEqual([undefined]);
    const foreign = liveBuilder().guild(G).auditLog([deleted(1, HUMAN_ID, { application_id: ['700000000000000001', null] })]).build();
    expect(attributions(buildPlan(manifest, foreign))).toEqual([undefined]);
  });
});

describe('without the audit log', () => {
  it('warns once per guild, naming the consequence, and plans as before', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).webhook('Alerts', C2).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: '3001', channel: C1, name: 'CI' })
      .webhook({ id: '3002', channel: C2, name: 'Pager' })
      .auditLog('unreadable')
      .build();
    const plan = buildPlan(manifest, live);
    expect(actions(plan)).toEqual(['create Alerts', 'create Deploys', 'delete CI', 'delete Pager']);
    const warnings = plan.warnings.filter((w) => w.code === 'audit_log_unreadable');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('a webhook renamed in Discord is replaced instead of renamed back');
  });

  it('no warning where the log could not change the plan: a move, or only creates', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).webhook('Alerts', C2).build();
    const moved = liveBuilder().guild(G).webhook({ id: W, channel: C3, name: 'Deploys' }).webhook({ id: '3002', channel: C2, name: 'Alerts' }).auditLog('unreadable').build();
    const movePlan = buildPlan(manifest, moved);
    expect(actions(movePlan)).toEqual(['move Deploys']);
    expect(movePlan.warnings).toEqual([]);
    const created = liveBuilder().guild(G).webhook({ id: '3002', channel: C2, name: 'Alerts' }).auditLog('unreadable').build();
    const createPlan = buildPlan(manifest, created);
    expect(actions(createPlan)).toEqual(['create Deploys']);
    expect(createPlan.warnings).toEqual([]);
  });

  it('not read at all (a converged plan): no warning, nothing attributed', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder().guild(G).webhook({ id: W, channel: C1, name: 'Deploys' }).build();
    const plan = buildPlan(manifest, live);
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toEqual([]);
    expect(auditLogReads(plan)).toEqual(new Map());
  });
});

describe('which audit log events a plan needs read', () => {
  it('updates where it changes or deletes an owned webhook, deletes where it creates one; nothing for adoptions', () => {
    const manifest = manifestBuilder()
      .guild(G)
      .webhook('Deploys', C1)
      .guild('1001')
      .webhook('Renamed', C2, { renamedFrom: 'Old' })
      .guild('1002')
      .webhook('Adopted', C3, { id: '3900' })
      .build();
    const live = liveBuilder()
      .guild(G)
      .guild('1001')
      .webhook({ id: '3100', channel: C2, name: 'Old' })
      .guild('1002')
      .webhook({ id: '3900', channel: C3, name: 'theirs', creator: 'human' })
      .build();
    expect(auditLogReads(buildPlan(manifest, live))).toEqual(new Map([[G, [52]], ['1001', [51]]]));
  });
});

describe('rendering', () => {
  it('text and Markdown show who made the drift under the change', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: W, channel: C1, name: 'CI' })
      .auditLog([auditEntry({ n: 1, target: W, changes: { name: ['Deploys', 'CI'] }, reason: 'a <b>reason</b>' })])
      .build();
    const plan = buildPlan(manifest, live);
    const at = snowflakeTime(snowflake(4, 1));
    expect(renderText(plan)).toContain(`\n      drift: changed in Discord by alice (${HUMAN_ID}) at ${at}; reason: "a <b>reason</b>"\n`);
    expect(renderMarkdown(plan)).toContain(`> **Drift:** changed in Discord by alice (${HUMAN_ID}) at ${at}; reason: "a &lt;b&gt;reason&lt;/b&gt;"`);
  });
});

describe('saved plans', () => {
  it('who made a drift is not part of a change\'s identity: apply compares what it sends', () => {
    const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: W, channel: C1, name: 'CI' })
      .auditLog([auditEntry({ n: 1, target: W, changes: { name: ['Deploys', 'CI'] } })])
      .build();
    const [change] = buildPlan(manifest, live).changes;
    const { attribution: _attribution, ...without } = change as typeof change & { attribution?: unknown };
    expect(changeIdentity(change!)).toBe(changeIdentity(without as typeof change & object));
    expect(changeIdentity(change!)).not.toContain('alice');
  });
});
