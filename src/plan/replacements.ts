/**
 * A delete and a create of one name in one guild are one event for everyone who posts to
 * that webhook: its URL changes. The plan says so as a single `replace` instead of two
 * unrelated lines a reviewer has to connect.
 */
import { CHANNEL_WEBHOOK_LIMIT, channelTraffic, countByChannel } from './channel-counts.js';
import type { LiveGuild } from './live-state.js';
import type { Change, CreateChange, DeleteChange, ReplaceChange } from './plan-types.js';
import { compareSnowflakes, sortBy } from './sort.js';
import { replaceChange } from './webhook-changes.js';

export interface PairedChanges {
  creates: CreateChange[];
  deletes: DeleteChange[];
  replaces: ReplaceChange[];
}

/** Pairs each create with a delete of the same name: the same channel first, then the oldest webhook. */
export function pairReplacements(creates: readonly CreateChange[], deletes: readonly DeleteChange[]): PairedChanges {
  const free = [...deletes].sort((a, b) => compareSnowflakes(a.webhookId, b.webhookId));
  const paired: PairedChanges = { creates: [], deletes: [], replaces: [] };
  for (const create of sortBy(creates, (c) => c.key)) {
    const sameName = free.filter((d) => d.name === create.name);
    const old = sameName.find((d) => d.channelId === create.channelId) ?? sameName[0];
    if (old === undefined) {
      paired.creates.push(create);
      continue;
    }
    free.splice(free.indexOf(old), 1);
    paired.replaces.push(replaceChange(create, old, 'the webhook is deleted and created again'));
  }
  paired.deletes = free;
  return paired;
}

/**
 * A replace within one full channel must delete before it creates (Discord refuses a 16th
 * webhook with 30007); everywhere else it creates first, so a failed apply never leaves the
 * name without a webhook.
 */
export function orderReplacements(changes: readonly Change[], live: LiveGuild): Change[] {
  const before = countByChannel(live.webhooks);
  const crowded = new Set<string>();
  for (const [channel, traffic] of channelTraffic(changes)) {
    if ((before.get(channel) ?? 0) + traffic.incoming.length > CHANNEL_WEBHOOK_LIMIT) crowded.add(channel);
  }
  return changes.map((change) =>
    change.action === 'replace' && change.precondition.channel_id === change.channelId && crowded.has(change.channelId)
      ? { ...change, order: 'delete_first' as const }
      : change,
  );
}
