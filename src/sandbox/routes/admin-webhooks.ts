import { FieldErrors, FormErrors, unknownUser } from '../http/errors.js';
import { createWebhook, deleteWebhook, modifyWebhook, parseWebhookPatch, type WriteActor } from '../resources/webhooks.js';
import { requireObject } from '../resources/validation.js';
import { isSnowflake } from '../store/snowflake.js';
import type { SandboxCore } from '../context.js';
import { requireManageableWebhook, requireMoveTarget, requireWebhookChannel } from './access.js';
import { viewWebhook } from './webhook-view.js';
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

export const adminWebhookRoutes: AdminRoute[] = [
  {
    method: 'POST',
    path: '/channels/:channel_id/webhooks',
    handle: async (ctx) => {
      const { body, actor } = actorOf(ctx.core, await ctx.body());
      const channel = requireWebhookChannel(ctx.core, actor.userId, ctx.params.channel_id!);
      const bot = ctx.core.state.world.bots.get(actor.userId);
      const webhook = createWebhook(ctx.core, channel, { id: actor.userId, application_id: bot?.application_id ?? null }, body, actor);
      return { status: 200, body: viewWebhook(ctx.core, webhook, true) };
    },
  },
  {
    method: 'PATCH',
    path: '/webhooks/:webhook_id',
    handle: async (ctx) => {
      const { body, actor } = actorOf(ctx.core, await ctx.body());
      const webhook = requireManageableWebhook(ctx.core, actor.userId, ctx.params.webhook_id!);
      const patch = parseWebhookPatch(body, true);
      const target = requireMoveTarget(ctx.core, actor.userId, webhook, patch.channelId);
      return { status: 200, body: viewWebhook(ctx.core, modifyWebhook(ctx.core, webhook, patch, target, actor), true) };
    },
  },
  {
    method: 'DELETE',
    path: '/webhooks/:webhook_id',
    handle: async (ctx) => {
      const { actor } = actorOf(ctx.core, await ctx.body());
      deleteWebhook(ctx.core, requireManageableWebhook(ctx.core, actor.userId, ctx.params.webhook_id!), actor);
      return { status: 204 };
    },
  },
];
