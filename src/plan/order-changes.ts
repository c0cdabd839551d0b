/**
 * Execution order (apply runs changes in this order within a rate-limit bucket):
 *
 * 1. deletes in channels that would otherwise pass 15 webhooks on the way (slot-freeing);
 * 2. adoptions, moves and updates;
 * 3. creates, and replacements (create, then delete the old webhook) — a replacement inside
 *    a full channel deletes first and so runs with the slot-freeing deletes;
 * 4. the remaining deletes — last, so a failed apply never removed a webhook before its
 *    replacements exist;
 * 5. slash command syncs.
 *
 * Within a phase: by guild, channel, name, webhook id.
 */
import { crowdedChannels } from './channel-counts.js';
import type { LiveGuild } from '../live/live-state.js';
import type { Change } from './plan-types.js';
import { assertNever } from '../errors.js';
import { sortBy } from './sort.js';

export function orderChanges(changes: readonly Change[], guilds: readonly LiveGuild[]): Change[] {
  const crowded = crowdedChannels(changes, () => guilds.flatMap((g) => g.webhooks));
  const sorted = sortBy(changes, (c) => c.guildId, (c) => c.channelId ?? '', (c) => c.name, (c) => webhookIdOf(c));
  const phases: Change[][] = [[], [], [], [], []];
  for (const change of sorted) phases[phaseOf(change, crowded)]!.push(change);
  return phases.flat();
}

function phaseOf(change: Change, crowded: Set<string>): number {
  switch (change.action) {
    case 'delete':
      return crowded.has(change.channelId) ? 0 : 3;
    case 'adopt':
    case 'move':
    case 'update':
      return 1;
    case 'create':
      return 2;
    case 'replace':
      return change.order === 'delete_first' ? 0 : 2;
    case 'sync_commands':
      return 4;
    default:
      return assertNever(change, 'change');
  }
}


function webhookIdOf(change: Change): string {
  return 'webhookId' in change ? change.webhookId : '';
}
