import type {
  APIApplicationCommand,
  APIAuditLog,
  APIChannel,
  APIEmbed,
  APIGatewayBotInfo,
  APIGuild,
  APIGuildMember,
  APIMessage,
  APIUser,
  APIWebhook,
  Snowflake,
} from './types.js';

/**
 * The Discord REST operations cordform uses. `DiscordRestClient` (rest-client.ts) is the
 * one implementation: real HTTP over undici with rate-limit buckets. Everything above the
 * discord/ folder depends on this interface, never on undici.
 */
export interface WriteOptions {
  /** Sent as X-Audit-Log-Reason (URI-encoded, as Discord requires). */
  reason?: string;
  signal?: AbortSignal;
  /** Stop before any further attempt goes out (the request then fails with DiscordRequestNotSent). */
  stopSending?: AbortSignal;
}

export interface ReadOptions {
  signal?: AbortSignal;
}

/** Get Guild Audit Log's filters (https://discord.com/developers/docs/resources/audit-log#get-guild-audit-log). */
export interface AuditLogQuery {
  /** One audit log event; Discord takes a single value per request. */
  action_type?: number;
  user_id?: Snowflake;
  before?: Snowflake;
  after?: Snowflake;
  /** 1–100 (Discord's default 50). */
  limit?: number;
}

export interface CreateMessageBody {
  content?: string;
  embeds?: APIEmbed[];
  allowed_mentions?: { parse?: ('users' | 'roles' | 'everyone')[]; users?: string[]; roles?: string[] };
  tts?: boolean;
}

export interface ExecuteWebhookBody extends CreateMessageBody {
  username?: string;
  avatar_url?: string;
}

export interface ApplicationCommandBody {
  name: string;
  description: string;
  type?: number;
  options?: APIApplicationCommand['options'];
  default_member_permissions?: string | null;
  nsfw?: boolean;
}

export interface DiscordApi {
  getCurrentUser(options?: ReadOptions): Promise<APIUser>;
  getGatewayBot(options?: ReadOptions): Promise<APIGatewayBotInfo>;
  getGuild(guildId: Snowflake, options?: ReadOptions): Promise<APIGuild>;
  getGuildChannels(guildId: Snowflake, options?: ReadOptions): Promise<APIChannel[]>;
  getGuildMember(guildId: Snowflake, userId: Snowflake, options?: ReadOptions): Promise<APIGuildMember>;
  getGuildWebhooks(guildId: Snowflake, options?: ReadOptions): Promise<APIWebhook[]>;
  getChannelWebhooks(channelId: Snowflake, options?: ReadOptions): Promise<APIWebhook[]>;
  /** GET /guilds/{id}/audit-logs (needs VIEW_AUDIT_LOG): newest entries first. */
  getGuildAuditLog(guildId: Snowflake, query: AuditLogQuery, options?: ReadOptions): Promise<APIAuditLog>;
  getWebhook(webhookId: Snowflake, options?: ReadOptions): Promise<APIWebhook>;
  createWebhook(
    channelId: Snowflake,
    body: { name: string; avatar?: string | null },
    options?: WriteOptions,
  ): Promise<APIWebhook>;
  modifyWebhook(
    webhookId: Snowflake,
    body: { name?: string; avatar?: string | null; channel_id?: Snowflake },
    options?: WriteOptions,
  ): Promise<APIWebhook>;
  deleteWebhook(webhookId: Snowflake, options?: WriteOptions): Promise<void>;
  /** POST /webhooks/{id}/{token}?wait=true — returns the created message. */
  executeWebhook(
    webhookId: Snowflake,
    token: string,
    body: ExecuteWebhookBody,
    options?: WriteOptions,
  ): Promise<APIMessage>;
  createMessage(channelId: Snowflake, body: CreateMessageBody, options?: WriteOptions): Promise<APIMessage>;
  getGuildCommands(applicationId: Snowflake, guildId: Snowflake, options?: ReadOptions): Promise<APIApplicationCommand[]>;
  bulkOverwriteGuildCommands(
    applicationId: Snowflake,
    guildId: Snowflake,
    commands: ApplicationCommandBody[],
    options?: WriteOptions,
  ): Promise<APIApplicationCommand[]>;
  /** POST /interactions/{id}/{token}/callback */
  createInteractionResponse(
    interactionId: Snowflake,
    interactionToken: string,
    body: { type: number; data?: Record<string, unknown> },
    options?: WriteOptions,
  ): Promise<void>;
  /** PATCH /webhooks/{application.id}/{interaction.token}/messages/@original */
  editOriginalInteractionResponse(
    applicationId: Snowflake,
    interactionToken: string,
    body: CreateMessageBody,
    options?: WriteOptions,
  ): Promise<APIMessage>;
  /** POST /webhooks/{application.id}/{interaction.token} */
  createFollowupMessage(
    applicationId: Snowflake,
    interactionToken: string,
    body: CreateMessageBody,
    options?: WriteOptions,
  ): Promise<APIMessage>;
}
