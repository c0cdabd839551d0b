import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { Plan } from '../../src/plan/plan-types.js';
import { renderJson } from '../../src/plan/render/json.js';
import { renderMarkdown } from '../../src/plan/render/markdown.js';
import { renderText } from '../../src/plan/render/text.js';
import { unknownTargets } from '../../src/plan/targets.js';
import { liveBuilder, manifestBuilder } from './builders.js';

const G = '1000';
const [C1, C2, C3] = ['2001', '2002', '2003'];
const actions = (plan: Plan) => plan.changes.map((c) => `${c.action} ${c.name}`);

describe('renamed_from across channels', () => {
  it('a rename plus a channel change is one PATCH of name and channel_id (id, token and URL kept)', () => {
    const manifest = manifestBuilder().guild(G).webhook('Releases', C2, { renamedFrom: 'Deploys' }).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'Deploys' }).build();
    const plan = buildPlan(manifest, live);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({
      action: 'move',
      webhookId: '3001',
      fields: { name: { from: 'Deploys', to: 'Releases' }, channel_id: { from: C1, to: C2 } },
      request: { method: 'PATCH', params: { 'webhook.id': '3001' }, body: { name: 'Releases', channel_id: C2 } },
    });
    expect(plan.summary).toMatchObject({ create: 0, delete: 0, move: 1, replace: 0 });
  });

  it('prefers the webhook in the declaration\'s own channel over one elsewhere', () => {
    const manifest = manifestBuilder().guild(G).webhook('Releases', C1, { renamedFrom: 'Deploys' }).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: '3001', channel: C2, name: 'Deploys' })
      .webhook({ id: '3002', channel: C1, name: 'Deploys' })
      .build();
    const plan = buildPlan(manifest, live);
    expect(plan.changes.find((c) => c.action === 'update')).toMatchObject({ webhookId: '3002', fields: { name: { from: 'Deploys', to: 'Releases' } } });
    expect(plan.blockers).toEqual([]);
  });

  it('blocks, listing the candidates, when the old name is owned in several other channels — and prunes none of them', () => {
    const manifest = manifestBuilder().guild(G).webhook('Releases', C3, { renamedFrom: 'Deploys' }).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: '3001', channel: C1, name: 'Deploys' })
      .webhook({ id: '3002', channel: C2, name: 'Deploys' })
      .build();
    const plan = buildPlan(manifest, live);
    expect(plan.blockers).toHaveLength(1);
    expect(plan.blockers[0]).toMatchObject({ code: 'rename_ambiguous', key: `${G}/${C3}/Releases`, location: { line: 2 } });
    expect(plan.blockers[0]!.message).toContain(`3001 in channel ${C1}`);
    expect(plan.blockers[0]!.message).toContain(`3002 in channel ${C2}`);
    expect(plan.changes).toEqual([]);
  });

  it('warns at the declaration when renamed_from matches nothing and the new name does not exist either', () => {
    const manifest = manifestBuilder().guild(G).webhook('Releases', C1, { renamedFrom: 'Deplyos' }).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'Deploys' }).build();
    const plan = buildPlan(manifest, live);
    const warning = plan.warnings.find((w) => w.code === 'rename_unmatched');
    expect(warning).toMatchObject({ key: `${G}/${C1}/Releases`, location: { file: 'cordform.yaml', line: 2 } });
    expect(warning!.message).toContain('renamed_from: "Deplyos"');
    expect(plan.changes.some((c) => c.action === 'create' && c.name === 'Releases')).toBe(true);
  });

  it('does not warn when the new name already exists (the rename happened)', () => {
    const manifest = manifestBuilder().guild(G).webhook('Releases', C1, { renamedFrom: 'Deploys' }).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'Releases' }).build();
    const plan = buildPlan(manifest, live);
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  it('a same-channel rename is settled first, so it never makes another declaration\'s rename look ambiguous', () => {
    const manifest = manifestBuilder()
      .guild(G)
      .webhook('A', C1, { renamedFrom: 'old' })
      .webhook('B', C2, { renamedFrom: 'old' })
      .build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'old' }).webhook({ id: '3002', channel: C3, name: 'old' }).build();
    const plan = buildPlan(manifest, live);
    expect(plan.blockers).toEqual([]);
    expect(plan.changes.map((c) => [c.action, c.name, 'webhookId' in c ? c.webhookId : ''])).toEqual([
      ['update', 'A', '3001'],
      ['move', 'B', '3002'],
    ]);
  });
});

describe('replacements: a delete and a create of one name are one change whose URL changes', () => {
  const manifest = manifestBuilder().guild(G).webhook('Deploys', C3).build();
  const live = liveBuilder()
    .guild(G)
    .webhook({ id: '3001', channel: C1, name: 'Deploys' })
    .webhook({ id: '3002', channel: C2, name: 'Deploys' })
    .build();
  const plan = buildPlan(manifest, live);

  it('pairs them into one replace in the plan data (JSON)', () => {
    expect(actions(plan)).toEqual(['replace Deploys', 'delete Deploys']);
    const replace = plan.changes[0]!;
    expect(replace).toMatchObject({
      action: 'replace',
      webhookId: '3001',
      channelId: C3,
      order: 'create_first',
      request: { method: 'POST', params: { 'channel.id': C3 }, body: { name: 'Deploys' } },
      deleteRequest: { method: 'DELETE', params: { 'webhook.id': '3001' } },
      precondition: { exists: true, webhook_id: '3001' },
      createPrecondition: { exists: false, name: 'Deploys', channel_id: C3 },
    });
    const json = JSON.parse(renderJson(plan));
    expect(json.changes[0].action).toBe('replace');
    expect(json.summary).toMatchObject({ replace: 1, create: 0, delete: 1 });
  });

  it('says in text and Markdown that the URL changes', () => {
    const text = renderText(plan);
    expect(text).toContain(`-/+ replace "Deploys" (webhook 3001 → a new webhook) in channel ${C3}: the URL changes`);
    expect(text).toContain('1 to replace (new URL)');
    const markdown = renderMarkdown(plan);
    expect(markdown).toContain('replace');
    expect(markdown).toContain('the URL changes');
    expect(plan.warnings.some((w) => w.message.includes('its URL changes'))).toBe(true);
  });

  it('counts as a delete for the safety thresholds', () => {
    expect(plan.thresholds[0]).toMatchObject({ deletes: 2 });
  });

  it('a twin of a kept webhook is pruned as a duplicate, never shown as half of a replacement', () => {
    // Two twins of the kept 3001 are both move candidates for the C2 declaration: ambiguous,
    // so C2 gets a create; the twins are pruned as duplicates, not "replaced".
    const twins = liveBuilder()
      .guild(G)
      .webhook({ id: '3001', channel: C1, name: 'Deploys' })
      .webhook({ id: '3005', channel: C1, name: 'Deploys' })
      .webhook({ id: '3006', channel: C1, name: 'Deploys' })
      .build();
    const both = manifestBuilder().guild(G).webhook('Deploys', C1).webhook('Deploys', C2).build();
    const result = buildPlan(both, twins);
    expect(actions(result).sort()).toEqual(['create Deploys', 'delete Deploys', 'delete Deploys']);
    const deletes = result.changes.filter((c) => c.action === 'delete');
    expect(deletes.map((d) => [d.webhookId, d.note])).toEqual([
      ['3005', 'duplicate of webhook 3001 (same channel and name), which is kept'],
      ['3006', 'duplicate of webhook 3001 (same channel and name), which is kept'],
    ]);
  });
});

describe('unknownTargets', () => {
  const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).webhook('Alerts', C2).build();
  const plan = buildPlan(manifest, liveBuilder().guild(G).build());

  it('accepts keys and names of changes and declarations', () => {
    expect(unknownTargets(['Deploys', `${G}/${C2}/Alerts`], manifest, plan)).toEqual([]);
  });

  it('names a target that matches nothing, with the nearest valid keys', () => {
    const [unknown] = unknownTargets(['Deplys'], manifest, plan);
    expect(unknown?.target).toBe('Deplys');
    expect(unknown?.nearest[0]).toBe('Deploys');
    expect(unknown?.nearest.length).toBeLessThanOrEqual(3);
  });
});
