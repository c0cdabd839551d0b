/**
 * `--target` (Terraform-style): keep only the changes a target names. A target is a
 * webhook key (`GUILD_ID/CHANNEL_ID/NAME`), a webhook name, or `GUILD_ID/commands`.
 */
import type { Change } from './plan-types.js';

export function isTargeted(change: Change, targets: readonly string[]): boolean {
  return targets.length === 0 || targets.includes(change.key) || targets.includes(change.name);
}

/** Only changes whose key or name a target names. */
export function selectTargets<T extends Change>(changes: readonly T[], targets: readonly string[]): T[] {
  return changes.filter((change) => isTargeted(change, targets));
}
