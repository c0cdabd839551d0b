import type { SandboxCore } from '../context.js';
import {
  missingAccess,
  missingPermissions,
  unknownChannel,
  unknownGuild,
  unknownMessage,
  unknownWebhook,
} from '../http/errors.js';
import type { SandboxMessage } from '../resources/messages.js';
import { hasPermission, Perm } from '../store/permissions.js';
import type { StoredWebhook } from '../store/webhook-store.js';
import type { WorldBot, WorldChannel, WorldGuild } from '../store/world.js';

/**
 * Lookups with Discord's errors: unknown resource → 404 (10003/10004/10015), not a member or
 * cannot see the channel → 403 50001 Missing Access, lacks a permission → 403 50013.
 */
export function requireGuild(core: SandboxCore, bot: WorldBot, guildId: string): WorldGuild {
  const guild = core.state.world.guilds.get(guildId);
  if (!guild) throw unknownGuild();
  if (!guild.members.has(bot.id)) throw missingAccess();
  return guild;
}

/** A channel or thread the user can see (404 10003, 403 50001). */
export function requireChannel(core: SandboxCore, userId: string, channelId: string): WorldChannel {
  const channel = core.state.channel(channelId);
  if (!channel) throw unknownChannel();
  if (!core.state.can(userId, channel, Perm.VIEW_CHANNEL)) throw missingAccess();
  return channel;
}

/** A message in a channel already checked with requireChannel (404 10008). */
export function findChannelMessage(core: SandboxCore, channel: WorldChannel, messageId: string): SandboxMessage {
  const message = core.state.messages.find(channel.id, messageId) as SandboxMessage | undefined;
  if (!message) throw unknownMessage();
  return message;
}

export function requireChannelPermission(core: SandboxCore, userId: string, channel: WorldChannel, bit: bigint): void {
  if (!hasChannelPermission(core, userId, channel, bit)) throw missingPermissions();
}

export function hasChannelPermission(core: SandboxCore, userId: string, channel: WorldChannel, bit: bigint): boolean {
  return core.state.can(userId, channel, bit);
}

export function requireGuildPermission(core: SandboxCore, userId: string, guildId: string, bit: bigint): void {
  const permissions = core.state.world.guildPermissions(userId, guildId) ?? 0n;
  if (!hasPermission(permissions, bit)) throw missingPermissions();
}

export function requireWebhook(core: SandboxCore, webhookId: string): StoredWebhook {
  const webhook = core.state.webhooks.get(webhookId);
  if (!webhook) throw unknownWebhook();
  return webhook;
}

/** MANAGE_WEBHOOKS in the webhook's channel (Discord's check for webhook-by-id routes). */
export function canManageWebhook(core: SandboxCore, userId: string, webhook: StoredWebhook): boolean {
  const channel = core.state.world.channels.get(webhook.channel_id);
  return channel !== undefined && core.state.can(userId, channel, Perm.MANAGE_WEBHOOKS);
}

/** A channel the user can see and manage webhooks in (404 10003, 403 50001, then 403 50013). */
export function requireWebhookChannel(core: SandboxCore, userId: string, channelId: string): WorldChannel {
  const channel = requireChannel(core, userId, channelId);
  requireChannelPermission(core, userId, channel, Perm.MANAGE_WEBHOOKS);
  return channel;
}

/** The webhook, which the user must be allowed to manage (404 10015, then 403 50013). */
export function requireManageableWebhook(core: SandboxCore, userId: string, webhookId: string): StoredWebhook {
  const webhook = requireWebhook(core, webhookId);
  if (!canManageWebhook(core, userId, webhook)) throw missingPermissions();
  return webhook;
}

/**
 * Where a PATCH moves the webhook: null when `channelId` is absent or its current channel;
 * else a channel of the same guild the user manages webhooks in. A webhook moves only within
 * its guild, so another guild's channel is unknown from here (10003).
 */
export function requireMoveTarget(core: SandboxCore, userId: string, webhook: StoredWebhook, channelId: string | undefined): WorldChannel | null {
  if (channelId === undefined || channelId === webhook.channel_id) return null;
  const target = core.state.world.channels.get(channelId);
  if (!target || target.guild_id !== webhook.guild_id) throw unknownChannel();
  requireWebhookChannel(core, userId, target.id);
  return target;
}
