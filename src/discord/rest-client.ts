import type {
  ApplicationCommandBody,
  AuditLogQuery,
  CreateMessageBody,
  DiscordApi,
  ExecuteWebhookBody,
  ReadOptions,
  WriteOptions,
} from './api.js';
import { RestEngine, type RequestOptions } from './rest-engine.js';
import { routes } from './routes.js';
import type {
  APIApplicationCommand,
  APIAuditLog,
  APIChannel,
  APIGatewayBotInfo,
  APIGuild,
  APIGuildMember,
  APIMessage,
  APIUser,
  APIWebhook,
  Snowflake,
} from './types.js';

export { DEFAULT_USER_AGENT, type ResponseInfo } from './rest-engine.js';

/**
 * The one Discord REST client: each DiscordApi operation mapped to Discord's documented path,
 * method and body; RestEngine (rest-engine.ts) sends them through the rate-limit buckets.
 */
export class DiscordRestClient extends RestEngine implements DiscordApi {
  getCurrentUser(options?: ReadOptions): Promise<APIUser> {
    return this.request('GET', routes.currentUser(), read(options));
  }

  getGatewayBot(options?: ReadOptions): Promise<APIGatewayBotInfo> {
    return this.request('GET', routes.gatewayBot(), read(options));
  }

  getGuild(guildId: Snowflake, options?: ReadOptions): Promise<APIGuild> {
    return this.request('GET', routes.guild(guildId), read(options));
  }

  getGuildChannels(guildId: Snowflake, options?: ReadOptions): Promise<APIChannel[]> {
    return this.request('GET', routes.guildChannels(guildId), read(options));
  }

  getGuildMember(guildId: Snowflake, userId: Snowflake, options?: ReadOptions): Promise<APIGuildMember> {
    return this.request('GET', routes.guildMember(guildId, userId), read(options));
  }

  getGuildWebhooks(guildId: Snowflake, options?: ReadOptions): Promise<APIWebhook[]> {
    return this.request('GET', routes.guildWebhooks(guildId), read(options));
  }

  getGuildAuditLog(guildId: Snowflake, query: AuditLogQuery, options?: ReadOptions): Promise<APIAuditLog> {
    const params = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]));
    return this.request('GET', routes.guildAuditLog(guildId), { ...read(options), query: params });
  }

  getChannelWebhooks(channelId: Snowflake, options?: ReadOptions): Promise<APIWebhook[]> {
    return this.request('GET', routes.channelWebhooks(channelId), read(options));
  }

  getWebhook(webhookId: Snowflake, options?: ReadOptions): Promise<APIWebhook> {
    return this.request('GET', routes.webhook(webhookId), read(options));
  }

  createWebhook(
    channelId: Snowflake,
    body: { name: string; avatar?: string | null },
    options?: WriteOptions,
  ): Promise<APIWebhook> {
    return this.request('POST', routes.channelWebhooks(channelId), write(body, options));
  }

  modifyWebhook(
    webhookId: Snowflake,
    body: { name?: string; avatar?: string | null; channel_id?: Snowflake },
    options?: WriteOptions,
  ): Promise<APIWebhook> {
    return this.request('PATCH', routes.webhook(webhookId), write(body, options));
  }

  async deleteWebhook(webhookId: Snowflake, options?: WriteOptions): Promise<void> {
    await this.request<undefined>('DELETE', routes.webhook(webhookId), write(undefined, options));
  }

  executeWebhook(
    webhookId: Snowflake,
    token: string,
    body: ExecuteWebhookBody,
    options?: WriteOptions,
  ): Promise<APIMessage> {
    return this.request('POST', routes.webhookWithToken(webhookId, token), {
      ...write(body, options),
      query: { wait: 'true' },
    });
  }

  createMessage(channelId: Snowflake, body: CreateMessageBody, options?: WriteOptions): Promise<APIMessage> {
    return this.request('POST', routes.channelMessages(channelId), write(body, options));
  }

  getGuildCommands(
    applicationId: Snowflake,
    guildId: Snowflake,
    options?: ReadOptions,
  ): Promise<APIApplicationCommand[]> {
    return this.request('GET', routes.applicationGuildCommands(applicationId, guildId), read(options));
  }

  bulkOverwriteGuildCommands(
    applicationId: Snowflake,
    guildId: Snowflake,
    commands: ApplicationCommandBody[],
    options?: WriteOptions,
  ): Promise<APIApplicationCommand[]> {
    return this.request('PUT', routes.applicationGuildCommands(applicationId, guildId), write(commands, options));
  }

  async createInteractionResponse(
    interactionId: Snowflake,
    interactionToken: string,
    body: { type: number; data?: Record<string, unknown> },
    options?: WriteOptions,
  ): Promise<void> {
    await this.request<unknown>('POST', routes.interactionCallback(interactionId, interactionToken), write(body, options));
  }

  editOriginalInteractionResponse(
    applicationId: Snowflake,
    interactionToken: string,
    body: CreateMessageBody,
    options?: WriteOptions,
  ): Promise<APIMessage> {
    return this.request('PATCH', routes.webhookMessage(applicationId, interactionToken, '@original'), write(body, options));
  }

  createFollowupMessage(
    applicationId: Snowflake,
    interactionToken: string,
    body: CreateMessageBody,
    options?: WriteOptions,
  ): Promise<APIMessage> {
    return this.request('POST', routes.webhookWithToken(applicationId, interactionToken), write(body, options));
  }
}


function read(options: ReadOptions | undefined): RequestOptions {
  return options?.signal ? { signal: options.signal } : {};
}

function write(body: unknown, options: WriteOptions | undefined): RequestOptions {
  return {
    ...(body === undefined ? {} : { body }),
    ...(options?.reason === undefined ? {} : { reason: options.reason }),
    ...(options?.signal ? { signal: options.signal } : {}),
    ...(options?.stopSending ? { stopSending: options.stopSending } : {}),
  };
}
