import { FieldErrors, FormErrors, missingPermissions, unknownChannel, unknownUser } from '../http/errors.js';
import { createWebhook, deleteWebhook, modifyWebhook, parseWebhookPatch, type WriteActor } from '../resources/webhooks.js';
import { requireObject } from '../resources/validation.js';
import { toApiWebhook } from '../store/serialize.js';
import { isSnowflake } from '../store/snowflake.js';
import type { SandboxCore } from '../context.js';
import { Perm } from '../store/permissions.js';
import { canManageWebhook, requireChannel, requireChannelPermission, requireWebhook } from './access.js';
import type { AdminRoute } from './admin.js';

/**
 * Webhook writes as any member of the guild — a person in Discord's UI, or a bot — with an
 * audit-log reason: what drift looks like when someone else changes a managed webhook.
 * `user_id` is required and needs MANAGE_WEBHOOKS where Discord would ask for it (403 50013);
 * `reason` is what X-Audit-Log-Reason would carry. The rest of the body is the API route's.
 *
 *   POST   /__sandbox/channels/{id}/webhooks  {user_id, reason?, name, avatar?}
 *   PATCH  /__sandbox/webhooks/{id}           {user_id, reason?, name?, avatar?, channel_id?}
 *   DELETE /__sandbox/webhooks/{id}           {user_id, reason?}
 */
function actorOf(core: SandboxCore, raw: unknown): { body: Record<string, unknown>; actor: WriteActor & { userId: string } } {
  const body = requireObject(raw);
  const errors = new FormErrors();
  if (body.user_id === undefined || body.user_id === null) errors.add(['user_id'], FieldErrors.required());
  else if (!isSnowflake(body.user_id)) errors.add(['user_id'], FieldErrors.notSnowflake(body.user_id));
  if (body.reason !== undefined && body.reason !== null && typeof body.reason !== 'string') errors.add(['reason'], FieldErrors.string(body.reason));
  errors.throwIfAny();
  const userId = body.user_id as string;
  if (!core.state.world.users.has(userId)) throw unknownUser();
  return { body, actor: { userId, reason: typeof body.reason === 'string' && body.reason !== '' ? body.reason : null } };
}

const view = (core: SandboxCore, webhook: Parameters<typeof toApiWebhook>[0]) =>
  toApiWebhook(webhook, core.state.world, core.httpUrl(), { withUser: true });

export const adminWebhookRoutes: AdminRoute[] = [
  {
    method: 'POST',
    path: '/channels/:channel_id/webhooks',
    handle: async (ctx) => {
      const { body, actor } = actorOf(ctx.core, await ctx.body());
      const channel = requireChannel(ctx.core, actor.userId, ctx.params.channel_id!);
      requireChannelPermission(ctx.core, actor.userId, channel, Perm.MANAGE_WEBHOOKS);
      const bot = ctx.core.state.world.bots.get(actor.userId);
      const webhook = createWebhook(ctx.core, channel, { id: actor.userId, application_id: bot?.application_id ?? null }, body, actor);
      return { status: 200, body: view(ctx.core, webhook) };
    },
  },
  {
    method: 'PATCH',
    path: '/webhooks/:webhook_id',
    handle: async (ctx) => {
      const { body, actor } = actorOf(ctx.core, await ctx.body());
      const webhook = requireWebhook(ctx.core, ctx.params.webhook_id!);
      if (!canManageWebhook(ctx.core, actor.userId, webhook)) throw missingPermissions();
      const patch = parseWebhookPatch(body, true);
      let target = null;
      if (patch.channelId !== undefined && patch.channelId !== webhook.channel_id) {
        target = ctx.core.state.world.channels.get(patch.channelId) ?? null;
        if (!target || target.guild_id !== webhook.guild_id) throw unknownChannel();
        requireChannelPermission(ctx.core, actor.userId, requireChannel(ctx.core, actor.userId, target.id), Perm.MANAGE_WEBHOOKS);
      }
      return { status: 200, body: view(ctx.core, modifyWebhook(ctx.core, webhook, patch, target, actor)) };
    },
  },
  {
    method: 'DELETE',
    path: '/webhooks/:webhook_id',
    handle: async (ctx) => {
      const { actor } = actorOf(ctx.core, await ctx.body());
      const webhook = requireWebhook(ctx.core, ctx.params.webhook_id!);
      if (!canManageWebhook(ctx.core, actor.userId, webhook)) throw missingPermissions();
      deleteWebhook(ctx.core, webhook, actor);
      return { status: 204 };
    },
  },
];
