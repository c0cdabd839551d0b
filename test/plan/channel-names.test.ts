import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import { renderJson } from '../../src/plan/render/json.js';
import { renderMarkdown } from '../../src/plan/render/markdown.js';
import { renderText } from '../../src/plan/render/text.js';
import { liveBuilder, manifestBuilder } from './builders.js';

const G = '1000';
const [C1, C2, C3, OPS, DEV, CAT_OPS, CAT_DEV] = ['2001', '2002', '2003', '2004', '2005', '2090', '2091'];
const CHANNELS = [
  { id: C1, type: 0, name: 'general' },
  { id: C2, type: 0, name: 'deploys' },
  { id: C3, type: 0, name: 'alerts' },
  { id: CAT_OPS, type: 4, name: 'Ops' },
  { id: CAT_DEV, type: 4, name: 'Dev' },
  { id: OPS, type: 0, name: 'builds', parent_id: CAT_OPS },
  { id: DEV, type: 0, name: 'builds', parent_id: CAT_DEV },
];
const world = () => liveBuilder().guild(G, { channels: CHANNELS, name: 'Sandbox' });

describe('channels by name', () => {
  it('"#deploys" resolves to the channel id: the plan creates there and names it', () => {
    const plan = buildPlan(manifestBuilder().guild(G).webhook('Deploys', '#deploys').build(), world().build());
    expect(plan.blockers).toEqual([]);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ action: 'create', key: `${G}/#deploys/Deploys`, channelId: C2, request: { params: { 'channel.id': C2 } } });
    expect(renderText(plan)).toContain(`+ create "Deploys" in #deploys (${C2})`);
  });

  it('a webhook already in the named channel matches it: no change', () => {
    const live = world().webhook({ id: '3001', channel: C2, name: 'Deploys' }).build();
    expect(buildPlan(manifestBuilder().guild(G).webhook('Deploys', '#deploys').build(), live).changes).toEqual([]);
  });

  it('"category/#name" picks one of two channels that share a name', () => {
    const plan = buildPlan(manifestBuilder().guild(G).webhook('CI', 'Dev/#builds').build(), world().build());
    expect(plan.blockers).toEqual([]);
    expect(plan.changes[0]).toMatchObject({ channelId: DEV });
    expect(renderText(plan)).toContain(`in Dev/#builds (${DEV})`);
  });

  it('a name shared by two channels is a blocker that lists both', () => {
    const plan = buildPlan(manifestBuilder().guild(G).webhook('CI', '#builds').build(), world().build());
    expect(plan.changes).toEqual([]);
    expect(plan.blockers).toHaveLength(1);
    expect(plan.blockers[0]).toMatchObject({ code: 'channel_name_ambiguous', key: `${G}/#builds/CI`, location: { line: 2 } });
    expect(plan.blockers[0]!.message).toContain(`Ops/#builds (${OPS})`);
    expect(plan.blockers[0]!.message).toContain(`Dev/#builds (${DEV})`);
  });

  it('a missing name is a blocker with the nearest channels; its live webhook is not pruned meanwhile', () => {
    const live = world().webhook({ id: '3001', channel: C2, name: 'Deploys' }).build();
    const plan = buildPlan(manifestBuilder().guild(G).webhook('Deploys', '#deploy').build(), live);
    expect(plan.blockers).toHaveLength(1);
    expect(plan.blockers[0]!.code).toBe('channel_name_missing');
    expect(plan.blockers[0]!.message).toContain(`#deploys (${C2})`);
    expect(plan.changes).toEqual([]);
  });

  it('a channel renamed in Discord is a blocker, never a silent move', () => {
    const renamed = liveBuilder()
      .guild(G, { channels: CHANNELS.map((c) => (c.id === C2 ? { ...c, name: 'releases' } : c)) })
      .webhook({ id: '3001', channel: C2, name: 'Deploys' })
      .build();
    const plan = buildPlan(manifestBuilder().guild(G).webhook('Deploys', '#deploys').build(), renamed);
    expect(plan.changes).toEqual([]);
    expect(plan.blockers.map((b) => b.code)).toEqual(['channel_name_missing']);
    expect(plan.blockers[0]!.message).toContain('Was it renamed in Discord?');
  });

  it('a name and an id that land on one channel declare the webhook twice: a blocker', () => {
    const plan = buildPlan(manifestBuilder().guild(G).webhook('Deploys', '#deploys').webhook('Deploys', C2).build(), world().build());
    expect(plan.blockers.map((b) => b.code)).toEqual(['double_claim', 'double_claim']);
    expect(plan.changes).toEqual([]);
  });
});

describe('names in every plan', () => {
  const manifest = manifestBuilder().guild(G).webhook('Deploys', C1).webhook('Alerts', C3).build();
  const live = world().webhook({ id: '3001', channel: C2, name: 'Alerts' }).build();
  const plan = buildPlan(manifest, live);

  it('text: grouped under the guild name, channels by name with their ids', () => {
    const text = renderText(plan);
    expect(text).toContain(`Guild "Sandbox" (${G}):`);
    expect(text).toContain(`+ create "Deploys" in #general (${C1})`);
    expect(text).toContain(`→ move "Alerts" (webhook 3001) from #deploys (${C2}) to #alerts (${C3})`);
    expect(text).toContain(`channel_id: "${C2}" (#deploys) → "${C3}" (#alerts)`);
  });

  it('Markdown: the guild heading and #names in the table and details', () => {
    const markdown = renderMarkdown(plan);
    expect(markdown).toContain(`**Guild &quot;Sandbox&quot; (${G})**`.replace(/&quot;/g, '"'));
    expect(markdown).toContain(`#general <code>${C1}</code>`);
    expect(markdown).toContain(`<summary>➕ create "Deploys" in #general (${C1})</summary>`);
  });

  it('JSON keeps the ids and adds the names', () => {
    const json = JSON.parse(renderJson(plan));
    expect(json.changes[0].channelId).toMatch(/^\d+$/);
    expect(json.names).toEqual({ guilds: { [G]: 'Sandbox' }, channels: { [C1]: '#general', [C2]: '#deploys', [C3]: '#alerts' } });
  });

  it('without names read, ids alone, as before', () => {
    const bare = buildPlan(manifest, liveBuilder().guild(G).build());
    expect(renderText(bare)).toContain(`+ create "Deploys" in channel ${C1}`);
    expect(renderText(bare)).toContain(`Guild ${G}:`);
  });
});

describe('every guard at once', () => {
  it('a plan over both guards names --max-deletes N and --force together (text, Markdown, JSON)', () => {
    const live = liveBuilder().guild(G);
    for (let i = 0; i < 12; i++) live.webhook({ id: `${3000 + i}`, channel: C1, name: `old-${i}` });
    const plan = buildPlan(manifestBuilder().guild(G).webhook('Keep', C1).build(), live.build());
    expect(plan.guards).toMatchObject({ maxDeletes: 12, force: true });
    expect(renderText(plan)).toContain('Apply of this plan needs --max-deletes 12 --force:');
    expect(renderMarkdown(plan)).toContain('Apply of this plan needs --max-deletes 12 --force:');
    expect(JSON.parse(renderJson(plan)).guards.reasons).toHaveLength(2);
  });

  it('a small plan needs no flag and says nothing', () => {
    const plan = buildPlan(manifestBuilder().guild(G).webhook('Keep', C1).build(), liveBuilder().guild(G).build());
    expect(plan.guards).toEqual({ force: false, reasons: [] });
    expect(renderText(plan)).not.toContain('Apply of this plan needs');
  });
});
