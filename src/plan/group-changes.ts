import type { Change } from './plan-types.js';

/**
 * Changes grouped by guild, in plan order of each guild's first change. Pushes into each
 * group (never copies it), so a guild with 1000 changes costs 1000 steps, not half a million.
 */
export function changesByGuild<T extends Change>(changes: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const change of changes) {
    const group = groups.get(change.guildId);
    if (group === undefined) groups.set(change.guildId, [change]);
    else group.push(change);
  }
  return groups;
}
