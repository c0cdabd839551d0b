import type { APIGuild, APIOverwrite } from './types.js';

/**
 * Discord permissions, once for all of cordform: the permission-name ↔ bit table and the
 * documented algorithm that turns roles and channel overwrites into a member's effective
 * permissions in a channel. The sandbox (its 403 50013 answers), the runtime (the
 * `permissions` inhibitor) and the planner (the MANAGE_WEBHOOKS preflight) all use this
 * module, so they cannot disagree.
 *
 * https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags
 * https://discord.com/developers/docs/topics/permissions#permission-overwrites
 */
export const PERMISSION_BITS = Object.freeze({
  CREATE_INSTANT_INVITE: 1n << 0n,
  KICK_MEMBERS: 1n << 1n,
  BAN_MEMBERS: 1n << 2n,
  ADMINISTRATOR: 1n << 3n,
  MANAGE_CHANNELS: 1n << 4n,
  MANAGE_GUILD: 1n << 5n,
  ADD_REACTIONS: 1n << 6n,
  VIEW_AUDIT_LOG: 1n << 7n,
  PRIORITY_SPEAKER: 1n << 8n,
  STREAM: 1n << 9n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  SEND_TTS_MESSAGES: 1n << 12n,
  MANAGE_MESSAGES: 1n << 13n,
  EMBED_LINKS: 1n << 14n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  MENTION_EVERYONE: 1n << 17n,
  USE_EXTERNAL_EMOJIS: 1n << 18n,
  VIEW_GUILD_INSIGHTS: 1n << 19n,
  CONNECT: 1n << 20n,
  SPEAK: 1n << 21n,
  MUTE_MEMBERS: 1n << 22n,
  DEAFEN_MEMBERS: 1n << 23n,
  MOVE_MEMBERS: 1n << 24n,
  USE_VAD: 1n << 25n,
  CHANGE_NICKNAME: 1n << 26n,
  MANAGE_NICKNAMES: 1n << 27n,
  MANAGE_ROLES: 1n << 28n,
  MANAGE_WEBHOOKS: 1n << 29n,
  MANAGE_GUILD_EXPRESSIONS: 1n << 30n,
  /** The former name of MANAGE_GUILD_EXPRESSIONS (same bit). */
  MANAGE_EMOJIS_AND_STICKERS: 1n << 30n,
  USE_APPLICATION_COMMANDS: 1n << 31n,
  REQUEST_TO_SPEAK: 1n << 32n,
  MANAGE_EVENTS: 1n << 33n,
  MANAGE_THREADS: 1n << 34n,
  CREATE_PUBLIC_THREADS: 1n << 35n,
  CREATE_PRIVATE_THREADS: 1n << 36n,
  USE_EXTERNAL_STICKERS: 1n << 37n,
  SEND_MESSAGES_IN_THREADS: 1n << 38n,
  USE_EMBEDDED_ACTIVITIES: 1n << 39n,
  MODERATE_MEMBERS: 1n << 40n,
  VIEW_CREATOR_MONETIZATION_ANALYTICS: 1n << 41n,
  USE_SOUNDBOARD: 1n << 42n,
  CREATE_GUILD_EXPRESSIONS: 1n << 43n,
  CREATE_EVENTS: 1n << 44n,
  USE_EXTERNAL_SOUNDS: 1n << 45n,
  SEND_VOICE_MESSAGES: 1n << 46n,
  SEND_POLLS: 1n << 49n,
  USE_EXTERNAL_APPS: 1n << 50n,
} as const);

export type PermissionName = keyof typeof PERMISSION_BITS;

/** Discord's `ALL`: every documented permission (what owners and administrators have). */
export const ALL_PERMISSIONS: bigint = Object.values(PERMISSION_BITS).reduce((all, bit) => all | bit, 0n);

export const NO_PERMISSIONS = 0n;

/** Bits for permission names (any case); null when a name is unknown, so callers fail closed. */
export function permissionBits(names: readonly string[]): bigint | null {
  let bits = NO_PERMISSIONS;
  for (const name of names) {
    const bit = (PERMISSION_BITS as Readonly<Record<string, bigint>>)[name.toUpperCase()];
    if (bit === undefined) return null;
    bits |= bit;
  }
  return bits;
}

/** True when every bit of `required` is in `permissions`. */
export function hasPermissions(permissions: bigint, required: bigint): boolean {
  return (permissions & required) === required;
}

/** The names of the bits set in `permissions`, in bit order; unknown bits are left out. */
export function permissionNames(permissions: bigint): PermissionName[] {
  return (Object.entries(PERMISSION_BITS) as [PermissionName, bigint][])
    .filter(([, bit]) => (permissions & bit) !== 0n)
    .sort(([, a], [, b]) => (a < b ? -1 : 1))
    .map(([name]) => name);
}

/** The names (from `wanted`) whose bits `permissions` lacks, in the order given. */
export function missingPermissionNames(permissions: bigint, wanted: readonly PermissionName[]): PermissionName[] {
  return wanted.filter((name) => !hasPermissions(permissions, PERMISSION_BITS[name]));
}

/** What the algorithm needs to know about a guild. */
export interface GuildPermissionFacts {
  guildId: string;
  ownerId: string;
  /** Role id → permission bits. The @everyone role has the guild's id. */
  rolePermissions: ReadonlyMap<string, bigint>;
}

/** The member whose permissions are computed. */
export interface PermissionMember {
  userId: string;
  /** The member's role ids (without @everyone, as Discord sends them). */
  roles: readonly string[];
}

/** Facts from a Discord guild object (`GET /guilds/{id}`: `owner_id` and `roles`). */
export function guildPermissionFacts(guild: Pick<APIGuild, 'id' | 'owner_id' | 'roles'>): GuildPermissionFacts {
  return {
    guildId: guild.id,
    ownerId: guild.owner_id,
    rolePermissions: new Map(guild.roles.map((role) => [role.id, BigInt(role.permissions)])),
  };
}

/**
 * `compute_base_permissions`: the owner has everything; otherwise @everyone's permissions
 * OR every role of the member, and ADMINISTRATOR means everything.
 */
export function computeBasePermissions(guild: GuildPermissionFacts, member: PermissionMember): bigint {
  if (member.userId === guild.ownerId) return ALL_PERMISSIONS;
  let permissions = guild.rolePermissions.get(guild.guildId) ?? NO_PERMISSIONS;
  for (const role of member.roles) permissions |= guild.rolePermissions.get(role) ?? NO_PERMISSIONS;
  if (hasPermissions(permissions, PERMISSION_BITS.ADMINISTRATOR)) return ALL_PERMISSIONS;
  return permissions;
}

/**
 * `compute_overwrites`: ADMINISTRATOR ignores overwrites; otherwise the @everyone overwrite
 * (deny, then allow), then the member's role overwrites combined (all denies, then all
 * allows — role positions do not matter), then the member's own overwrite.
 */
export function computeOverwrites(
  base: bigint,
  guildId: string,
  member: PermissionMember,
  overwrites: readonly APIOverwrite[],
): bigint {
  if (hasPermissions(base, PERMISSION_BITS.ADMINISTRATOR)) return ALL_PERMISSIONS;
  const apply = (permissions: bigint, allow: bigint, deny: bigint) => (permissions & ~deny) | allow;
  let permissions = base;
  const everyone = overwrites.find((ow) => ow.type === 0 && ow.id === guildId);
  if (everyone) permissions = apply(permissions, BigInt(everyone.allow), BigInt(everyone.deny));
  let allow = NO_PERMISSIONS;
  let deny = NO_PERMISSIONS;
  for (const ow of overwrites) {
    if (ow.type !== 0 || ow.id === guildId || !member.roles.includes(ow.id)) continue;
    allow |= BigInt(ow.allow);
    deny |= BigInt(ow.deny);
  }
  permissions = apply(permissions, allow, deny);
  const own = overwrites.find((ow) => ow.type === 1 && ow.id === member.userId);
  if (own) permissions = apply(permissions, BigInt(own.allow), BigInt(own.deny));
  return permissions;
}

/**
 * `compute_permissions`: a member's effective permissions in a channel (pass no overwrites
 * for guild-level permissions, e.g. what `GET /guilds/{id}/webhooks` checks).
 */
export function computePermissions(
  guild: GuildPermissionFacts,
  member: PermissionMember,
  overwrites: readonly APIOverwrite[] = [],
): bigint {
  // The owner's ALL includes ADMINISTRATOR, so overwrites never apply to the owner either.
  return computeOverwrites(computeBasePermissions(guild, member), guild.guildId, member, overwrites);
}
