import { CordformError } from '../errors.js';
import type { Snowflake } from './types.js';

/**
 * Paths of the Discord endpoints cordform calls, relative to the API base
 * (https://discord.com/developers/docs/resources/webhook and friends). Ids are checked to be
 * snowflakes and tokens are URI-encoded, so a value from a manifest can never change the
 * shape of a path.
 */
const SNOWFLAKE = /^\d{1,20}$/;

export function snowflake(value: Snowflake, what = 'id'): string {
  if (typeof value !== 'string' || !SNOWFLAKE.test(value)) {
    throw new CordformError('discord_invalid_id', `${what} must be a Discord snowflake (digits only), got ${JSON.stringify(String(value).slice(0, 40))}`, {
      fault: 'user',
    });
  }
  return value;
}

function token(value: string, what: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new CordformError('discord_invalid_token', `${what} must be a non-empty string`, { fault: 'user' });
  }
  return encodeURIComponent(value);
}

export const routes = {
  currentUser: (): string => '/users/@me',
  gatewayBot: (): string => '/gateway/bot',
  guild: (guildId: Snowflake): string => `/guilds/${snowflake(guildId, 'guild id')}`,
  guildChannels: (guildId: Snowflake): string => `/guilds/${snowflake(guildId, 'guild id')}/channels`,
  guildMember: (guildId: Snowflake, userId: Snowflake): string =>
    `/guilds/${snowflake(guildId, 'guild id')}/members/${snowflake(userId, 'user id')}`,
  guildAuditLog: (guildId: Snowflake): string => `/guilds/${snowflake(guildId, 'guild id')}/audit-logs`,
  guildWebhooks: (guildId: Snowflake): string => `/guilds/${snowflake(guildId, 'guild id')}/webhooks`,
  channelWebhooks: (channelId: Snowflake): string => `/channels/${snowflake(channelId, 'channel id')}/webhooks`,
  channelMessages: (channelId: Snowflake): string => `/channels/${snowflake(channelId, 'channel id')}/messages`,
  webhook: (webhookId: Snowflake): string => `/webhooks/${snowflake(webhookId, 'webhook id')}`,
  webhookWithToken: (webhookId: Snowflake, webhookToken: string): string =>
    `/webhooks/${snowflake(webhookId, 'webhook id')}/${token(webhookToken, 'webhook token')}`,
  /** `messageId` may be `@original` for an interaction's first response. */
  webhookMessage: (webhookId: Snowflake, webhookToken: string, messageId: Snowflake | '@original'): string =>
    `/webhooks/${snowflake(webhookId, 'webhook id')}/${token(webhookToken, 'webhook token')}/messages/${
      messageId === '@original' ? messageId : snowflake(messageId, 'message id')
    }`,
  applicationGuildCommands: (applicationId: Snowflake, guildId: Snowflake): string =>
    `/applications/${snowflake(applicationId, 'application id')}/guilds/${snowflake(guildId, 'guild id')}/commands`,
  interactionCallback: (interactionId: Snowflake, interactionToken: string): string =>
    `/interactions/${snowflake(interactionId, 'interaction id')}/${token(interactionToken, 'interaction token')}/callback`,
} as const;
