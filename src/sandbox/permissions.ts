import { Permission, type APIOverwrite } from '../discord/types.js';

/**
 * Discord's permission computation (https://discord.com/developers/docs/topics/permissions#permission-overwrites):
 * base = @everyone | member roles (ADMINISTRATOR or guild owner → everything), then in a
 * channel: @everyone overwrite, role overwrites (deny then allow), member overwrite.
 */
export const ALL_PERMISSIONS = (1n << 53n) - 1n;

const READ_MESSAGE_HISTORY = 1n << 16n;
const EMBED_LINKS = 1n << 14n;
const ATTACH_FILES = 1n << 15n;
const ADD_REACTIONS = 1n << 6n;

/**
 * What @everyone may do when a seed does not declare the @everyone role. Deliberately
 * permissive for a sandbox (it includes MANAGE_WEBHOOKS); seeds take it away per channel
 * with `lacks_manage_webhooks` or by declaring roles.
 */
export const DEFAULT_EVERYONE_PERMISSIONS =
  Permission.VIEW_CHANNEL |
  Permission.SEND_MESSAGES |
  READ_MESSAGE_HISTORY |
  EMBED_LINKS |
  ATTACH_FILES |
  ADD_REACTIONS |
  Permission.MANAGE_WEBHOOKS;

export const Perm = {
  ...Permission,
  READ_MESSAGE_HISTORY,
} as const;

export interface PermissionInput {
  guildId: string;
  ownerId: string;
  /** role id → permission bits (must contain the @everyone role, id = guild id). */
  rolePermissions: ReadonlyMap<string, bigint>;
  memberId: string;
  memberRoles: readonly string[];
  overwrites?: readonly APIOverwrite[];
}

export function computeBasePermissions(input: PermissionInput): bigint {
  if (input.memberId === input.ownerId) return ALL_PERMISSIONS;
  let permissions = input.rolePermissions.get(input.guildId) ?? 0n;
  for (const role of input.memberRoles) permissions |= input.rolePermissions.get(role) ?? 0n;
  if ((permissions & Permission.ADMINISTRATOR) !== 0n) return ALL_PERMISSIONS;
  return permissions;
}

export function computeChannelPermissions(input: PermissionInput): bigint {
  let permissions = computeBasePermissions(input);
  // Owners and administrators are not subject to overwrites.
  if (permissions === ALL_PERMISSIONS) return ALL_PERMISSIONS;
  const overwrites = input.overwrites ?? [];
  const everyone = overwrites.find((ow) => ow.type === 0 && ow.id === input.guildId);
  if (everyone) permissions = (permissions & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const ow of overwrites) {
    if (ow.type === 0 && ow.id !== input.guildId && input.memberRoles.includes(ow.id)) {
      allow |= BigInt(ow.allow);
      deny |= BigInt(ow.deny);
    }
  }
  permissions = (permissions & ~deny) | allow;
  const member = overwrites.find((ow) => ow.type === 1 && ow.id === input.memberId);
  if (member) permissions = (permissions & ~BigInt(member.deny)) | BigInt(member.allow);
  return permissions;
}

export function hasPermission(permissions: bigint, bit: bigint): boolean {
  return (permissions & bit) === bit;
}
