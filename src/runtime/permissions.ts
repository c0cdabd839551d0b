import type { APIChannel, APIGuild } from '../discord/types.js';
import { computePermissions as computeEffective, guildPermissionFacts } from '../discord/permissions.js';

/**
 * The runtime's view of Discord permissions (the `permissions` inhibitor): a thin adapter
 * over src/discord/permissions.ts, the one implementation of the name ↔ bit table and of
 * https://discord.com/developers/docs/topics/permissions#permission-overwrites
 */
export { PERMISSION_BITS, permissionBits } from '../discord/permissions.js';

export interface PermissionSubject {
  userId: string;
  roles: readonly string[];
}

/** Effective permissions of a member in a channel (guild roles, then channel overwrites). */
export function computePermissions(
  guild: Pick<APIGuild, 'id' | 'owner_id' | 'roles'>,
  member: PermissionSubject,
  channel: Pick<APIChannel, 'permission_overwrites'> | undefined,
): bigint {
  return computeEffective(guildPermissionFacts(guild), member, channel?.permission_overwrites ?? []);
}
