import { majorParam, type ApiRoute, type RouteContext } from '../context.js';
import { missingPermissions, unknownChannel } from '../http/errors.js';
import { Perm } from '../store/permissions.js';
import { toApiWebhook } from '../store/serialize.js';
import { createWebhook, deleteWebhook, modifyWebhook, parseWebhookPatch } from '../resources/webhooks.js';
import type { StoredWebhook } from '../store/webhook-store.js';
import type { WorldChannel } from '../store/world.js';
import { canManageWebhook, requireChannel, requireChannelPermission, requireGuild, requireGuildPermission, requireWebhook } from './access.js';

/**
 * Webhook management with a bot token
 * (https://discord.com/developers/docs/resources/webhook): create/list per channel, list per
 * guild, get/modify/delete by id. All need MANAGE_WEBHOOKS; GET by id also works when the
 * bot's application owns the webhook.
 */
const view = (ctx: RouteContext, webhook: StoredWebhook) =>
  toApiWebhook(webhook, ctx.core.state.world, ctx.core.httpUrl(), { withUser: true });

const botOf = (ctx: RouteContext) => ctx.bot!;

/** A channel the bot can see and manage webhooks in (404 10003, then 403 50013). */
function requireWebhookChannel(ctx: RouteContext, channelId: string): WorldChannel {
  const bot = botOf(ctx);
  const channel = requireChannel(ctx.core, bot.id, channelId);
  requireChannelPermission(ctx.core, bot.id, channel, Perm.MANAGE_WEBHOOKS);
  return channel;
}

/** The webhook in the path, which the bot must be allowed to manage (MANAGE_WEBHOOKS). */
function requireManageableWebhook(ctx: RouteContext): StoredWebhook {
  const webhook = requireWebhook(ctx.core, ctx.params.webhook_id!);
  if (!canManageWebhook(ctx.core, botOf(ctx).id, webhook)) throw missingPermissions();
  return webhook;
}

export const webhookRoutes: ApiRoute[] = [
  {
    method: 'POST',
    path: '/channels/:channel_id/webhooks',
    bucket: 'channel-webhooks',
    auth: 'bot',
    major: majorParam('channel_id'),
    handle: async (ctx) => {
      const bot = botOf(ctx);
      const channel = requireWebhookChannel(ctx, ctx.params.channel_id!);
      const webhook = createWebhook(ctx.core, channel, bot, await ctx.body(), { userId: bot.id, reason: ctx.reason });
      return { status: 200, body: view(ctx, webhook) };
    },
  },
  {
    method: 'GET',
    path: '/channels/:channel_id/webhooks',
    bucket: 'channel-webhooks',
    auth: 'bot',
    major: majorParam('channel_id'),
    handle: (ctx) => {
      const channel = requireWebhookChannel(ctx, ctx.params.channel_id!);
      return { status: 200, body: ctx.core.state.webhooks.inChannel(channel.id).map((w) => view(ctx, w)) };
    },
  },
  {
    method: 'GET',
    path: '/guilds/:guild_id/webhooks',
    bucket: 'guild-webhooks',
    auth: 'bot',
    major: majorParam('guild_id'),
    handle: (ctx) => {
      const bot = botOf(ctx);
      const guild = requireGuild(ctx.core, bot, ctx.params.guild_id!);
      requireGuildPermission(ctx.core, bot.id, guild.id, Perm.MANAGE_WEBHOOKS);
      return { status: 200, body: ctx.core.state.webhooks.inGuild(guild.id).map((w) => view(ctx, w)) };
    },
  },
  {
    method: 'GET',
    path: '/webhooks/:webhook_id',
    bucket: 'webhook',
    auth: 'bot',
    major: majorParam('webhook_id'),
    handle: (ctx) => {
      const bot = botOf(ctx);
      const webhook = requireWebhook(ctx.core, ctx.params.webhook_id!);
      const owned = webhook.application_id !== null && webhook.application_id === bot.application_id;
      if (!owned && !canManageWebhook(ctx.core, bot.id, webhook)) throw missingPermissions();
      return { status: 200, body: view(ctx, webhook) };
    },
  },
  {
    method: 'PATCH',
    path: '/webhooks/:webhook_id',
    bucket: 'webhook',
    auth: 'bot',
    major: majorParam('webhook_id'),
    handle: async (ctx) => {
      const bot = botOf(ctx);
      const webhook = requireManageableWebhook(ctx);
      const patch = parseWebhookPatch(await ctx.body(), true);
      let target = null;
      if (patch.channelId !== undefined && patch.channelId !== webhook.channel_id) {
        target = ctx.core.state.world.channels.get(patch.channelId) ?? null;
        // A webhook moves only within its guild; another guild's channel is unknown from here.
        if (!target || target.guild_id !== webhook.guild_id) throw unknownChannel();
        requireWebhookChannel(ctx, target.id);
      }
      const updated = modifyWebhook(ctx.core, webhook, patch, target, { userId: bot.id, reason: ctx.reason });
      return { status: 200, body: view(ctx, updated) };
    },
  },
  {
    method: 'DELETE',
    path: '/webhooks/:webhook_id',
    bucket: 'webhook',
    auth: 'bot',
    major: majorParam('webhook_id'),
    handle: (ctx) => {
      deleteWebhook(ctx.core, requireManageableWebhook(ctx), { userId: botOf(ctx).id, reason: ctx.reason });
      return { status: 204 };
    },
  },
];
