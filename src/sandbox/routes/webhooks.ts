import { majorParam, type ApiRoute, type RouteContext } from '../context.js';
import { missingPermissions } from '../http/errors.js';
import { Perm } from '../store/permissions.js';
import { createWebhook, deleteWebhook, modifyWebhook, parseWebhookPatch } from '../resources/webhooks.js';
import {
  canManageWebhook,
  requireGuild,
  requireGuildPermission,
  requireManageableWebhook,
  requireMoveTarget,
  requireWebhook,
  requireWebhookChannel,
} from './access.js';
import { viewWebhook } from './webhook-view.js';

/**
 * Webhook management with a bot token
 * (https://discord.com/developers/docs/resources/webhook): create/list per channel, list per
 * guild, get/modify/delete by id. All need MANAGE_WEBHOOKS; GET by id also works when the
 * bot's application owns the webhook.
 */
const botOf = (ctx: RouteContext) => ctx.bot!;

export const webhookRoutes: ApiRoute[] = [
  {
    method: 'POST',
    path: '/channels/:channel_id/webhooks',
    bucket: 'channel-webhooks',
    auth: 'bot',
    major: majorParam('channel_id'),
    handle: async (ctx) => {
      const bot = botOf(ctx);
      const channel = requireWebhookChannel(ctx.core, bot.id, ctx.params.channel_id!);
      const webhook = createWebhook(ctx.core, channel, bot, await ctx.body(), { userId: bot.id, reason: ctx.reason });
      return { status: 200, body: viewWebhook(ctx.core, webhook, true) };
    },
  },
  {
    method: 'GET',
    path: '/channels/:channel_id/webhooks',
    bucket: 'channel-webhooks',
    auth: 'bot',
    major: majorParam('channel_id'),
    handle: (ctx) => {
      const channel = requireWebhookChannel(ctx.core, botOf(ctx).id, ctx.params.channel_id!);
      return { status: 200, body: ctx.core.state.webhooks.inChannel(channel.id).map((w) => viewWebhook(ctx.core, w, true)) };
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
      return { status: 200, body: ctx.core.state.webhooks.inGuild(guild.id).map((w) => viewWebhook(ctx.core, w, true)) };
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
      return { status: 200, body: viewWebhook(ctx.core, webhook, true) };
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
      const webhook = requireManageableWebhook(ctx.core, bot.id, ctx.params.webhook_id!);
      const patch = parseWebhookPatch(await ctx.body(), true);
      const target = requireMoveTarget(ctx.core, bot.id, webhook, patch.channelId);
      const updated = modifyWebhook(ctx.core, webhook, patch, target, { userId: bot.id, reason: ctx.reason });
      return { status: 200, body: viewWebhook(ctx.core, updated, true) };
    },
  },
  {
    method: 'DELETE',
    path: '/webhooks/:webhook_id',
    bucket: 'webhook',
    auth: 'bot',
    major: majorParam('webhook_id'),
    handle: (ctx) => {
      const bot = botOf(ctx);
      deleteWebhook(ctx.core, requireManageableWebhook(ctx.core, bot.id, ctx.params.webhook_id!), { userId: bot.id, reason: ctx.reason });
      return { status: 204 };
    },
  },
];
