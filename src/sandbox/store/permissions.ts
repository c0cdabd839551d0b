import type { APIOverwrite } from '../../discord/types.js';
import {
  computeBasePermissions as computeBase,
  computePermissions,
  hasPermissions,
  PERMISSION_BITS,
  type GuildPermissionFacts,
  type PermissionMember,
} from '../../discord/permissions.js';

/**
 * The sandbox's view of Discord's permission algorithm: a thin adapter over
 * src/discord/permissions.ts (the one implementation, shared with the planner's preflight
 * and the runtime), so the sandbox's 403 50013 answers and `cordform plan` agree.
 */

const P = PERMISSION_BITS;

/**
 * What @everyone may do when a seed does not declare the @everyone role. Deliberately
 * permissive for a sandbox (it includes MANAGE_WEBHOOKS; not VIEW_AUDIT_LOG or
 * MANAGE_MESSAGES); seeds take it away per channel with `lacks_manage_webhooks` or by
 * declaring roles.
 */
export const DEFAULT_EVERYONE_PERMISSIONS =
  P.VIEW_CHANNEL |
  P.SEND_MESSAGES |
  P.READ_MESSAGE_HISTORY |
  P.EMBED_LINKS |
  P.ATTACH_FILES |
  P.ADD_REACTIONS |
  // Discord's default @everyone role can mention @everyone and use threads too.
  P.MENTION_EVERYONE |
  P.CREATE_PUBLIC_THREADS |
  P.CREATE_PRIVATE_THREADS |
  P.SEND_MESSAGES_IN_THREADS |
  P.MANAGE_WEBHOOKS;

/** The bits the sandbox's routes check. */
export const Perm = {
  ADMINISTRATOR: P.ADMINISTRATOR,
  MANAGE_CHANNELS: P.MANAGE_CHANNELS,
  VIEW_CHANNEL: P.VIEW_CHANNEL,
  SEND_MESSAGES: P.SEND_MESSAGES,
  MANAGE_MESSAGES: P.MANAGE_MESSAGES,
  MANAGE_ROLES: P.MANAGE_ROLES,
  MANAGE_WEBHOOKS: P.MANAGE_WEBHOOKS,
  READ_MESSAGE_HISTORY: P.READ_MESSAGE_HISTORY,
  ADD_REACTIONS: P.ADD_REACTIONS,
  MENTION_EVERYONE: P.MENTION_EVERYONE,
  VIEW_AUDIT_LOG: P.VIEW_AUDIT_LOG,
  MANAGE_THREADS: P.MANAGE_THREADS,
  CREATE_PUBLIC_THREADS: P.CREATE_PUBLIC_THREADS,
  CREATE_PRIVATE_THREADS: P.CREATE_PRIVATE_THREADS,
  SEND_MESSAGES_IN_THREADS: P.SEND_MESSAGES_IN_THREADS,
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

function split(input: PermissionInput): [GuildPermissionFacts, PermissionMember] {
  return [
    { guildId: input.guildId, ownerId: input.ownerId, rolePermissions: input.rolePermissions },
    { userId: input.memberId, roles: input.memberRoles },
  ];
}

export function computeBasePermissions(input: PermissionInput): bigint {
  return computeBase(...split(input));
}

export function computeChannelPermissions(input: PermissionInput): bigint {
  return computePermissions(...split(input), input.overwrites ?? []);
}

export function hasPermission(permissions: bigint, bit: bigint): boolean {
  return hasPermissions(permissions, bit);
}
