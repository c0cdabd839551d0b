/**
 * The subset of Discord's API objects cordform reads and writes, shared by the REST client,
 * the planner and the sandbox. Field names and nullability follow the Discord docs
 * (https://discord.com/developers/docs/resources/webhook#webhook-object and friends).
 */

export type Snowflake = string;

export interface APIUser {
  id: Snowflake;
  username: string;
  discriminator: string;
  global_name?: string | null;
  avatar: string | null;
  bot?: boolean;
  public_flags?: number;
}

/** 1 Incoming, 2 Channel Follower, 3 Application. */
export type WebhookType = 1 | 2 | 3;

export interface APIWebhook {
  id: Snowflake;
  type: WebhookType;
  guild_id?: Snowflake | null;
  channel_id: Snowflake | null;
  user?: APIUser;
  name: string | null;
  avatar: string | null;
  token?: string;
  application_id: Snowflake | null;
  source_guild?: { id: Snowflake; name: string; icon: string | null };
  source_channel?: { id: Snowflake; name: string };
  url?: string;
}

/** Channel types cordform cares about (0 text, 2 voice, 4 category, 5 announcement, 15 forum). */
export interface APIChannel {
  id: Snowflake;
  type: number;
  guild_id?: Snowflake;
  name?: string;
  position?: number;
  parent_id?: Snowflake | null;
  nsfw?: boolean;
  permission_overwrites?: APIOverwrite[];
}

export interface APIOverwrite {
  id: Snowflake;
  /** 0 role, 1 member */
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface APIRole {
  id: Snowflake;
  name: string;
  permissions: string;
  position: number;
}

export interface APIGuild {
  id: Snowflake;
  name: string;
  icon: string | null;
  owner_id: Snowflake;
  roles: APIRole[];
}

export interface APIGuildMember {
  user?: APIUser;
  nick?: string | null;
  roles: Snowflake[];
  joined_at: string;
  deaf: boolean;
  mute: boolean;
  permissions?: string;
}

export interface APIEmbed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string; icon_url?: string };
  [key: string]: unknown;
}

export interface APIMessage {
  id: Snowflake;
  type: number;
  channel_id: Snowflake;
  guild_id?: Snowflake;
  author: APIUser;
  member?: APIGuildMember;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: APIUser[];
  mention_roles: Snowflake[];
  attachments: unknown[];
  embeds: APIEmbed[];
  pinned: boolean;
  webhook_id?: Snowflake;
  nonce?: string | number;
}

export interface APIGatewayBotInfo {
  url: string;
  shards: number;
  session_start_limit: {
    total: number;
    remaining: number;
    reset_after: number;
    max_concurrency: number;
  };
}

/** Discord's error body: https://discord.com/developers/docs/reference#error-messages */
export interface APIErrorBody {
  code: number;
  message: string;
  errors?: Record<string, unknown>;
}

/** Discord's 429 body: https://discord.com/developers/docs/topics/rate-limits */
export interface APIRateLimitBody {
  message: string;
  retry_after: number;
  global: boolean;
  code?: number;
}

export interface APIApplicationCommandOption {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  choices?: { name: string; value: string | number }[];
  options?: APIApplicationCommandOption[];
}

/**
 * A command as a create or bulk-overwrite body carries it, with the access fields explicit
 * (https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-guild-application-commands).
 */
export interface APIApplicationCommandWrite {
  type: number;
  name: string;
  description: string;
  options?: APIApplicationCommandOption[];
  default_member_permissions: string | null;
  nsfw: boolean;
}

export interface APIApplicationCommand {
  id: Snowflake;
  type: number;
  application_id: Snowflake;
  guild_id?: Snowflake;
  name: string;
  description: string;
  options?: APIApplicationCommandOption[];
  default_member_permissions: string | null;
  nsfw?: boolean;
  version: Snowflake;
}

/**
 * Audit log entries for webhook writes
 * (https://discord.com/developers/docs/resources/audit-log#audit-log-entry-object). `user_id`
 * is null when nobody is named (a webhook changing itself with its own token). Webhook
 * changes use the webhook's field names, except `avatar_hash` for `avatar`.
 */
export interface APIAuditLogEntry {
  id: Snowflake;
  target_id: string | null;
  user_id: Snowflake | null;
  action_type: number;
  changes?: APIAuditLogChange[];
  reason?: string;
}

/** A missing `new_value` means the field became null; a missing `old_value` that it was null. */
export interface APIAuditLogChange {
  key: string;
  old_value?: unknown;
  new_value?: unknown;
}

/** The part of Get Guild Audit Log's answer cordform reads (Discord also sends threads, integrations, …). */
export interface APIAuditLog {
  audit_log_entries: APIAuditLogEntry[];
  users: APIUser[];
  webhooks: APIWebhook[];
}

/** https://discord.com/developers/docs/resources/audit-log#audit-log-entry-object-audit-log-events */
export const AuditLogEvent = {
  WEBHOOK_CREATE: 50,
  WEBHOOK_UPDATE: 51,
  WEBHOOK_DELETE: 52,
} as const;

/** Gateway intents (https://discord.com/developers/docs/events/gateway#gateway-intents). */
export const Intent = {
  GUILDS: 1 << 0,
  GUILD_MESSAGES: 1 << 9,
  GUILD_MESSAGE_REACTIONS: 1 << 10,
  GUILD_MESSAGE_TYPING: 1 << 11,
  MESSAGE_CONTENT: 1 << 15,
} as const;

/** Application flags (https://discord.com/developers/docs/resources/application#application-object-application-flags). */
export const ApplicationFlag = {
  /** What an unverified app with the Message Content intent enabled shows. */
  GATEWAY_MESSAGE_CONTENT_LIMITED: 1 << 19,
} as const;
