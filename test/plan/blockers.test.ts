import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import { liveBuilder, manifestBuilder } from './builders.js';

const G = '1000';
const C1 = '2001';
const C2 = '2002';

describe('buildPlan: blockers', () => {
  it('a declared channel missing from the guild, with the declaration location', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', C1).webhook('B', C2).build();
    const plan = buildPlan(manifest, liveBuilder().guild(G, { channels: [C1] }).build());
    expect(plan.blockers).toEqual([
      {
        code: 'channel_missing',
        message: `"B": channel ${C2} does not exist in guild ${G}`,
        guildId: G,
        key: `${G}/${C2}/B`,
        location: { file: 'cordform.yaml', line: 3, column: 5 },
      },
    ]);
  });

  it('no channel preflight when channels were not read', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', C1).build();
    expect(buildPlan(manifest, liveBuilder().guild(G, { channels: null }).build()).blockers).toEqual([]);
  });

  it('a category channel cannot hold webhooks', () => {
    const live = liveBuilder().guild(G, { channels: [C1] }).build();
    live.guilds[0]!.channels![0]!.type = 4;
    const plan = buildPlan(manifestBuilder().guild(G).webhook('A', C1).build(), live);
    expect(plan.blockers.map((b) => b.code)).toEqual(['channel_not_webhook_capable']);
  });

  it('a channel that would exceed 15 webhooks (foreign ones count too)', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', C1).build();
    const full = liveBuilder().guild(G).fill(C1, 15, 'human', 'human').build();
    const plan = buildPlan(manifest, full);
    expect(plan.blockers).toMatchObject([
      { code: 'channel_limit', key: `${G}/${C1}/A`, location: { line: 2 }, message: expect.stringContaining('16 webhooks') },
    ]);
    const room = liveBuilder().guild(G).fill(C1, 14, 'human', 'human').build();
    expect(buildPlan(manifest, room).blockers).toEqual([]);
  });

  it('a move into a full channel is blocked; a delete in the same plan makes room', () => {
    const manifest = manifestBuilder().guild(G).webhook('Mover', C2).build();
    const live = liveBuilder().guild(G).fill(C2, 15, 'human', 'human').webhook({ id: '3001', channel: C1, name: 'Mover' }).build();
    expect(buildPlan(manifest, live).blockers.map((b) => b.code)).toEqual(['channel_limit']);
    const withPrune = liveBuilder().guild(G).fill(C2, 14, 'human', 'human').webhook({ id: '3002', channel: C2, name: 'Old' }).webhook({ id: '3001', channel: C1, name: 'Mover' }).build();
    const plan = buildPlan(manifest, withPrune);
    expect(plan.blockers).toEqual([]);
    expect(plan.changes.map((c) => c.action)).toEqual(['delete', 'move']);
  });

  it('a guild that would exceed 1000 webhooks', () => {
    const live = liveBuilder().guild(G);
    for (let c = 0; c < 67; c++) live.fill(String(5000 + c), 15, 'human', 'human');
    const manifest = manifestBuilder().guild(G).webhook('A', C1).build();
    const plan = buildPlan(manifest, live.build());
    expect(plan.blockers).toMatchObject([{ code: 'guild_limit', location: { line: 1 }, message: expect.stringContaining('1006') }]);
  });

  it('a pinned id that does not exist', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', C1, { id: '3999' }).build();
    const plan = buildPlan(manifest, liveBuilder().guild(G).build());
    expect(plan.blockers).toMatchObject([{ code: 'pin_missing', key: `${G}/${C1}/A`, location: { line: 2 } }]);
    expect(plan.changes).toEqual([]);
  });

  it('a pinned channel-follower or application webhook is never touched', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', C1, { id: '3001' }).webhook('B', C1, { id: '3002' }).build();
    const live = liveBuilder()
      .guild(G)
      .webhook({ id: '3001', channel: C1, name: 'News', type: 2 })
      .webhook({ id: '3002', channel: C1, name: 'App', type: 3, creator: 'app' })
      .build();
    const plan = buildPlan(manifest, live);
    expect(plan.changes).toEqual([]);
    expect(plan.blockers.map((b) => [b.code, b.message.includes('never modifies')])).toEqual([
      ['pin_untouchable', true],
      ['pin_untouchable', true],
    ]);
  });

  it('two declarations pinning the same webhook', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', C1, { id: '3001' }).webhook('B', C2, { id: '3001' }).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'A', creator: 'human' }).build();
    const plan = buildPlan(manifest, live);
    expect(plan.blockers.map((b) => b.code)).toEqual(['double_claim', 'double_claim']);
    expect(plan.blockers[0]?.message).toContain('cordform.yaml:2:5');
    expect(plan.blockers[0]?.message).toContain('cordform.yaml:3:5');
    expect(plan.changes).toEqual([]);
  });

  it('two declarations renamed from the same webhook', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', C1, { renamedFrom: 'Old' }).webhook('B', C1, { renamedFrom: 'Old' }).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'Old' }).build();
    const plan = buildPlan(manifest, live);
    expect(plan.blockers.map((b) => b.code)).toEqual(['double_claim', 'double_claim']);
    expect(plan.changes).toEqual([]); // the contested webhook is neither renamed nor pruned
  });
});
