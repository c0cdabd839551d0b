/**
 * A delete and a create of one name in one guild are one event for everyone who posts to
 * that webhook: its URL changes. The plan says so as a single `replace` instead of two
 * unrelated lines a reviewer has to connect.
 */
import { crowdedChannels } from './channel-counts.js';
import type { LiveGuild } from '../live/live-state.js';
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
  const oldestFirst = [...deletes].sort((a, b) => compareSnowflakes(a.webhookId, b.webhookId));
  // Deletes by name, oldest first: one lookup per create, not a scan of every delete.
  const byName = new Map<string, DeleteChange[]>();
  for (const change of oldestFirst) {
    const named = byName.get(change.name);
    if (named === undefined) byName.set(change.name, [change]);
    else named.push(change);
  }
  const paired: PairedChanges = { creates: [], deletes: [], replaces: [] };
  const taken = new Set<DeleteChange>();
  for (const create of sortBy(creates, (c) => c.key)) {
    const sameName = (byName.get(create.name) ?? []).filter((d) => !taken.has(d));
    const old = sameName.find((d) => d.channelId === create.channelId) ?? sameName[0];
    if (old === undefined) {
      paired.creates.push(create);
      continue;
    }
    taken.add(old);
    paired.replaces.push(replaceChange(create, old, 'the webhook is deleted and created again'));
  }
  paired.deletes = oldestFirst.filter((d) => !taken.has(d));
  return paired;
}

/**
 * A replace within one full channel must delete before it creates (Discord refuses a 16th
 * webhook with 30007); everywhere else it creates first, so a failed apply never leaves the
 * name without a webhook.
 */
export function orderReplacements(changes: readonly Change[], live: LiveGuild): Change[] {
  if (!changes.some((change) => change.action === 'replace')) return [...changes];
  const crowded = crowdedChannels(changes, () => live.webhooks);
  return changes.map((change) =>
    change.action === 'replace' && change.precondition.channel_id === change.channelId && crowded.has(change.channelId)
      ? { ...change, order: 'delete_first' as const }
      : change,
  );
}
