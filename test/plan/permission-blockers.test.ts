import { describe, expect, it } from 'vitest';
import { PERMISSION_BITS as P } from '../../src/discord/permissions.js';
import type { APIOverwrite } from '../../src/discord/types.js';
import { buildPlan, type LiveState } from '../../src/plan/index.js';
import { BOT_ID, liveBuilder, manifestBuilder } from './builders.js';

const G = '1000';
const C1 = '2001';
const C2 = '2002';
const BOTS = '3001';
const ADMIN = '3002';

const deny = (id: string, type: 0 | 1, bits: bigint): APIOverwrite => ({ id, type, allow: '0', deny: String(bits) });

/** Live state with permission facts: @everyone may view and manage webhooks; overwrites per channel. */
function withPermissions(live: LiveState, overwrites: Record<string, APIOverwrite[]>, botRoles: string[] = [BOTS]): LiveState {
  const guild = live.guilds[0]!;
  guild.channels = (guild.channels ?? []).map((c) => ({ ...c, permission_overwrites: overwrites[c.id] ?? [] }));
  guild.permissions = {
    guild: {
      id: G,
      owner_id: '4000',
      roles: [
        { id: G, name: '@everyone', permissions: String(P.VIEW_CHANNEL | P.MANAGE_WEBHOOKS), position: 0 },
        { id: BOTS, name: 'bots', permissions: '0', position: 1 },
        { id: ADMIN, name: 'admin', permissions: String(P.ADMINISTRATOR), position: 2 },
      ],
    },
    member: { roles: botRoles },
  };
  return live;
}

describe('missing_permissions blockers (pure planner)', () => {
  const manifest = manifestBuilder().guild(G).webhook('A', C1).webhook('B', C2).build();

  it('without permission facts there is no preflight', () => {
    const live = liveBuilder().guild(G, { channels: [C1, C2] }).build();
    expect(buildPlan(manifest, live).blockers).toEqual([]);
  });

  it('blocks a create where a member overwrite denies MANAGE_WEBHOOKS, with the declaration location', () => {
    const live = withPermissions(liveBuilder().guild(G, { channels: [C1, C2] }).build(), { [C2]: [deny(BOT_ID, 1, P.MANAGE_WEBHOOKS)] });
    const plan = buildPlan(manifest, live);
    const declared = manifest.guilds[0]!.webhooks[1]!;
    expect(plan.blockers).toEqual([
      {
        code: 'missing_permissions',
        message: `"B": the bot lacks MANAGE_WEBHOOKS in #channel-${C2} (channel ${C2}), needed to create the webhook`,
        guildId: G,
        key: `${G}/${C2}/B`,
        location: declared.location,
      },
    ]);
  });

  it('a hidden channel (VIEW_CHANNEL denied to a role of the bot) blocks an update there', () => {
    const live = withPermissions(
      liveBuilder().guild(G, { channels: [C1, C2] }).webhook({ id: '5001', channel: C1, name: 'A', avatar: 'abc' }).webhook({ id: '5002', channel: C2, name: 'B' }).build(),
      { [C1]: [deny(BOTS, 0, P.VIEW_CHANNEL)] },
    );
    const plan = buildPlan(manifest, live);
    expect(plan.changes.map((c) => c.action)).toEqual(['update']);
    expect(plan.blockers.map((b) => b.message)).toEqual([`"A": the bot lacks VIEW_CHANNEL in #channel-${C1} (channel ${C1}), needed to update the webhook`]);
  });

  it('a move needs MANAGE_WEBHOOKS in both channels', () => {
    const moved = manifestBuilder().guild(G).webhook('A', C2).build();
    const live = withPermissions(liveBuilder().guild(G, { channels: [C1, C2] }).webhook({ id: '5001', channel: C1, name: 'A' }).build(), {
      [C2]: [deny(G, 0, P.MANAGE_WEBHOOKS)],
    });
    const plan = buildPlan(moved, live);
    expect(plan.changes.map((c) => c.action)).toEqual(['move']);
    expect(plan.blockers.map((b) => b.message)).toEqual([`"A": the bot lacks MANAGE_WEBHOOKS in #channel-${C2} (channel ${C2}), needed to move the webhook into it`]);
  });

  it('a prune in a channel without MANAGE_WEBHOOKS is blocked at the guild declaration', () => {
    const pruning = manifestBuilder().guild(G).build();
    const live = withPermissions(liveBuilder().guild(G, { channels: [C1] }).webhook({ id: '5001', channel: C1, name: 'Old' }).build(), {
      [C1]: [deny(BOT_ID, 1, P.MANAGE_WEBHOOKS)],
    });
    const plan = buildPlan(pruning, live);
    expect(plan.blockers).toEqual([expect.objectContaining({ code: 'missing_permissions', location: pruning.guilds[0]!.location })]);
  });

  it('administrators ignore overwrites; channels without planned writes are not reported', () => {
    const overwrites = { [C1]: [deny(BOT_ID, 1, P.MANAGE_WEBHOOKS | P.VIEW_CHANNEL)], [C2]: [deny(BOT_ID, 1, P.MANAGE_WEBHOOKS)] };
    const fresh = () => liveBuilder().guild(G, { channels: [C1, C2] }).webhook({ id: '5001', channel: C1, name: 'A' }).build();
    expect(buildPlan(manifest, withPermissions(fresh(), overwrites, [BOTS, ADMIN])).blockers).toEqual([]);
    // Only B (a create in C2) is a write; A in C1 is converged, so C1 is not checked.
    expect(buildPlan(manifest, withPermissions(fresh(), overwrites)).blockers.map((b) => b.key)).toEqual([`${G}/${C2}/B`]);
  });
});
