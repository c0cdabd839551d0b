/**
 * `--target` (Terraform-style): keep only the changes a target names. A target is a
 * webhook key (`GUILD_ID/CHANNEL_ID/NAME`), a webhook name, or `GUILD_ID/commands`.
 */
import { editDistance } from '../manifest/did-you-mean.js';
import type { Manifest } from '../manifest/types.js';
import type { Change, Plan } from './plan-types.js';
import { compareText } from './sort.js';

export function isTargeted(change: Change, targets: readonly string[]): boolean {
  return targets.length === 0 || targets.includes(change.key) || targets.includes(change.name);
}

/** Only changes whose key or name a target names. */
export function selectTargets<T extends Change>(changes: readonly T[], targets: readonly string[]): T[] {
  return changes.filter((change) => isTargeted(change, targets));
}

export interface UnknownTarget {
  target: string;
  /** The closest valid keys, nearest first. */
  nearest: string[];
}

/**
 * Targets that name nothing: no change of the full plan and no declaration. A target that
 * names a declaration already in sync is fine (nothing to do); a typo must not read as
 * "No changes" while changes exist.
 */
export function unknownTargets(targets: readonly string[], manifest: Manifest, fullPlan: Plan): UnknownTarget[] {
  const valid = new Set<string>();
  for (const change of fullPlan.changes) valid.add(change.key).add(change.name);
  for (const guild of manifest.guilds) {
    for (const declaration of guild.webhooks) valid.add(declaration.key).add(declaration.name);
    if (guild.commands.length > 0) valid.add(`${guild.id}/commands`);
  }
  const candidates = [...valid].sort(compareText);
  return targets.filter((target) => !valid.has(target)).map((target) => ({ target, nearest: nearestKeys(target, candidates) }));
}

/** The valid keys closest to `input` by edit distance, nearest first. */
export function nearestKeys(input: string, candidates: readonly string[], count = 3): string[] {
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(input.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance || compareText(a.candidate, b.candidate))
    .slice(0, count)
    .map((entry) => entry.candidate);
}
