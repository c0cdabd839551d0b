import type { APIChannel, APIGuild } from '../discord/types.js';

/**
 * Discord permission flags by name, for the `permissions` inhibitor, and the documented
 * algorithm that turns roles + channel overwrites into a member's effective permissions:
 * https://discord.com/developers/docs/topics/permissions#permission-overwrites
 */
export const PERMISSION_BITS: Readonly<Record<string, bigint>> = Object.freeze({
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
});

const ALL = (1n << 64n) - 1n;
const ADMINISTRATOR = 1n << 3n;

/** Bits for permission names; null when a name is unknown (the caller fails closed). */
export function permissionBits(names: readonly string[]): bigint | null {
  let bits = 0n;
  for (const name of names) {
    const bit = PERMISSION_BITS[name.toUpperCase()];
    if (bit === undefined) return null;
    bits |= bit;
  }
  return bits;
}

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
  if (guild.owner_id === member.userId) return ALL;
  const rolePermissions = new Map(guild.roles.map((role) => [role.id, BigInt(role.permissions)]));
  let base = rolePermissions.get(guild.id) ?? 0n;
  for (const roleId of member.roles) base |= rolePermissions.get(roleId) ?? 0n;
  if ((base & ADMINISTRATOR) !== 0n) return ALL;

  const overwrites = channel?.permission_overwrites ?? [];
  const everyone = overwrites.find((o) => o.id === guild.id);
  if (everyone) base = (base & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && member.roles.includes(o.id)) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  base = (base & ~deny) | allow;
  const own = overwrites.find((o) => o.type === 1 && o.id === member.userId);
  if (own) base = (base & ~BigInt(own.deny)) | BigInt(own.allow);
  return base;
}
