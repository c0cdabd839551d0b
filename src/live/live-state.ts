/**
 * What the planner knows about Discord: the live side of the diff. Reading it (one
 * `GET /users/@me`, one `GET /guilds/{id}/webhooks`, `GET /guilds/{id}/channels` and
 * `GET /applications/{app}/guilds/{id}/commands` per declared guild) is the Discord client's
 * job; this file only defines the shape, so the planner stays free of I/O.
 */
import type { APIApplicationCommand, APIAuditLogEntry, APIChannel, APIGuild, APIGuildMember, APIUser, APIWebhook } from '../discord/types.js';

export interface LiveGuild {
  guildId: string;
  /** The guild's name, when it was read (`GET /guilds/{id}`, for guilds with changes). */
  name?: string;
  /** Every webhook of the guild, whatever its creator or type. */
  webhooks: APIWebhook[];
  /** The guild's channels; `null` = not read, so channel preflight is skipped. */
  channels: APIChannel[] | null;
  /** The application's guild commands; `null` = not read, so no command sync is planned. */
  commands: APIApplicationCommand[] | null;
  /**
   * What the bot's permissions are computed from (the MANAGE_WEBHOOKS / VIEW_CHANNEL
   * preflight). Read only for guilds whose plan has webhook changes, so a converged plan
   * stays at guilds + 1 requests; absent or `null` = not read, so no preflight. The
   * preflight also needs `channels` (their permission overwrites).
   */
  permissions?: LivePermissions | null;
  /**
   * The guild's audit log for webhook writes: who renamed, moved or deleted a managed webhook
   * (drift attribution, and renaming a webhook back instead of replacing it). Read only for
   * guilds whose plan has webhook changes that could be drift; absent or `null` = not read.
   */
  auditLog?: LiveAuditLog | null;
}

/**
 * `readable: false`: Discord refused the read (403 50013, the bot lacks VIEW_AUDIT_LOG), so
 * the plan says it cannot attribute drift or rename webhooks back in that guild.
 */
export type LiveAuditLog =
  | {
      readable: true;
      /** WEBHOOK_UPDATE and WEBHOOK_DELETE entries (the most recent of each), in any order. */
      entries: APIAuditLogEntry[];
      /** The users the entries name (Discord's `users` list). */
      users: APIUser[];
    }
  | { readable: false };

export interface LivePermissions {
  /** `GET /guilds/{id}`: the owner and the roles with their permission bits. */
  guild: Pick<APIGuild, 'id' | 'owner_id' | 'roles'>;
  /** `GET /guilds/{id}/members/{bot.id}`: the bot's roles in the guild. */
  member: Pick<APIGuildMember, 'roles'>;
}

/** The live guilds by id, for planners that visit every declared guild (1000 of them is a million compares as a search). */
export function liveGuildsById(live: LiveState): Map<string, LiveGuild> {
  return new Map(live.guilds.map((guild) => [guild.guildId, guild]));
}

export interface LiveState {
  /** `GET /users/@me`: the identity that decides which webhooks are owned. */
  bot: APIUser;
  /** The application id (slash commands, and type 1 webhooks created through the app). */
  applicationId: string;
  /** One entry per declared guild; guilds the manifest does not declare are not read. */
  guilds: LiveGuild[];
}
