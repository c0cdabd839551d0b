/**
 * What the planner knows about Discord: the live side of the diff. Reading it (one
 * `GET /users/@me`, one `GET /guilds/{id}/webhooks`, `GET /guilds/{id}/channels` and
 * `GET /applications/{app}/guilds/{id}/commands` per declared guild) is the Discord client's
 * job; this file only defines the shape, so the planner stays free of I/O.
 */
import type { APIApplicationCommand, APIChannel, APIUser, APIWebhook } from '../discord/types.js';

export interface LiveGuild {
  guildId: string;
  /** Every webhook of the guild, whatever its creator or type. */
  webhooks: APIWebhook[];
  /** The guild's channels; `null` = not read, so channel preflight is skipped. */
  channels: APIChannel[] | null;
  /** The application's guild commands; `null` = not read, so no command sync is planned. */
  commands: APIApplicationCommand[] | null;
}

export interface LiveState {
  /** `GET /users/@me`: the identity that decides which webhooks are owned. */
  bot: APIUser;
  /** The application id (slash commands, and type 1 webhooks created through the app). */
  applicationId: string;
  /** One entry per declared guild; guilds the manifest does not declare are not read. */
  guilds: LiveGuild[];
}
