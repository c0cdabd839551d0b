/**
 * Safety thresholds, as octoDNS has them: in a guild with at least `minExisting` owned
 * webhooks, a plan that updates or deletes more than `updatePercent` / `deletePercent` of
 * them needs `--force`. Percentages are fractions (0.3 = 30%); values come from the
 * manifest's per-guild `thresholds` (defaults 10 / 0.3 / 0.3).
 */
import type { GuildDeclaration } from '../manifest/types.js';
import { classifyWebhook, type Owner } from './ownership.js';
import type { LiveGuild } from '../live/live-state.js';
import type { Change, GuildThreshold } from './plan-types.js';

type ThresholdBase = Pick<GuildThreshold, 'guildId' | 'owned' | 'minExisting' | 'updatePercent' | 'deletePercent'>;

/** `changes`: the guild's own (selected) changes. */
export function guildThreshold(guild: GuildDeclaration, live: LiveGuild, changes: readonly Change[], owner: Owner): GuildThreshold {
  const owned = live.webhooks.filter((w) => classifyWebhook(w, owner) === 'managed').length;
  return thresholdFor({ guildId: guild.id, owned, ...guild.thresholds }, changes);
}

/** The same guild's threshold for other changes (e.g. the reviewed part of a plan): owned and limits do not change. */
export function thresholdFor(base: ThresholdBase, changes: readonly Change[]): GuildThreshold {
  const { guildId, owned, minExisting, updatePercent, deletePercent } = base;
  const updates = changes.filter((c) => c.action === 'update' || c.action === 'move').length;
  const deletes = changes.filter((c) => c.action === 'delete' || c.action === 'replace').length;
  const requiresForce =
    owned > 0 && owned >= minExisting && (updates / owned > updatePercent || deletes / owned > deletePercent);
  return { guildId, owned, updates, deletes, minExisting, updatePercent, deletePercent, requiresForce };
}
