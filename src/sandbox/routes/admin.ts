import type { SandboxCore, RouteResult } from '../context.js';
import { FieldErrors, FormErrors, unknownChannel, unknownMember, unknownUser } from '../http/errors.js';
import { createUserMessage, type SandboxMessage } from '../resources/messages.js';
import type { FaultInjector } from '../http/faults.js';
import type { RequestLog } from '../http/request-log.js';
import { adminWebhookRoutes } from './admin-webhooks.js';
import { viewWebhook } from './webhook-view.js';
import { faultAdminRoutes } from './faults-admin.js';
import { isSnowflake } from '../store/snowflake.js';
import { checkMessageBody } from '../resources/message-body.js';
import { requireObject } from '../resources/validation.js';

/**
 * The sandbox's own API under `/__sandbox` (not Discord's): no auth, no rate limits, not in
 * the request log. Documented in docs/sandbox.md "Admin API".
 */
export interface AdminContext {
  core: SandboxCore;
  requests: RequestLog;
  /** Fault injection (routes/faults-admin.ts). */
  faults?: FaultInjector;
  params: Record<string, string>;
  body(): Promise<unknown>;
}

export interface AdminRoute {
  method: string;
  path: string;
  handle: (ctx: AdminContext) => RouteResult | Promise<RouteResult>;
}

/**
 * POST /__sandbox/messages: a user (or bot) posts in a channel or thread — any Create Message
 * body (content, embeds, allowed_mentions, message_reference, …) plus `channel_id` and
 * `author_id`; stored and dispatched as MESSAGE_CREATE. No permission checks: people post
 * where the seed lets them, and the admin API stands in for them.
 */
export function postMessageAsUser(core: SandboxCore, raw: unknown): SandboxMessage {
  const body = requireObject(raw);
  const errors = new FormErrors();
  for (const field of ['channel_id', 'author_id'] as const) {
    if (body[field] === undefined || body[field] === null) errors.add([field], FieldErrors.required());
    else if (!isSnowflake(body[field])) errors.add([field], FieldErrors.notSnowflake(body[field]));
  }
  errors.throwIfAny();
  const channel = core.state.channel(body.channel_id as string);
  if (!channel) throw unknownChannel();
  const authorId = body.author_id as string;
  if (!core.state.world.users.has(authorId)) throw unknownUser();
  if (!core.state.world.guilds.get(channel.guild_id)?.members.has(authorId)) throw unknownMember();
  const { channel_id: _channel, author_id: _author, ...message } = body;
  const input = checkMessageBody(message, { webhook: false });
  return createUserMessage(core, channel, authorId, input);
}

async function optionalObject(ctx: AdminContext): Promise<Record<string, unknown>> {
  return requireObject(await ctx.body());
}

export const adminRoutes: AdminRoute[] = [
  ...faultAdminRoutes,
  ...adminWebhookRoutes,
  {
    method: 'POST',
    path: '/messages',
    handle: async (ctx) => ({ status: 200, body: postMessageAsUser(ctx.core, await ctx.body()) }),
  },
  {
    method: 'GET',
    path: '/channels/:channel_id/messages',
    handle: (ctx) => {
      const channelId = ctx.params.channel_id!;
      if (!ctx.core.state.world.channels.has(channelId)) throw unknownChannel();
      return { status: 200, body: ctx.core.state.messages.chronological(channelId) };
    },
  },
  {
    method: 'GET',
    path: '/webhooks',
    handle: (ctx) => ({ status: 200, body: ctx.core.state.webhooks.all().map((webhook) => viewWebhook(ctx.core, webhook, true)) }),
  },
  {
    method: 'GET',
    path: '/audit-log',
    handle: (ctx) => ({ status: 200, body: ctx.core.state.audit() }),
  },
  {
    method: 'POST',
    path: '/reset',
    handle: (ctx) => {
      ctx.core.state.reset();
      ctx.core.sessionStarts.clear();
      ctx.requests.clear();
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    path: '/requests',
    handle: (ctx) => ({ status: 200, body: ctx.requests.list() }),
  },
  {
    method: 'DELETE',
    path: '/requests',
    handle: (ctx) => {
      ctx.requests.clear();
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: '/gateway/disconnect',
    handle: async (ctx) => {
      const body = await optionalObject(ctx);
      const code = Number.isInteger(body.code) ? (body.code as number) : undefined;
      ctx.core.hub().disconnectAll(code);
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: '/gateway/reconnect',
    handle: (ctx) => {
      ctx.core.hub().requestReconnect();
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: '/gateway/heartbeat',
    handle: (ctx) => {
      ctx.core.hub().requestHeartbeat();
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: '/gateway/skip-acks',
    handle: async (ctx) => {
      const body = await optionalObject(ctx);
      ctx.core.hub().skipHeartbeatAcks(Number.isInteger(body.count) ? (body.count as number) : undefined);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    path: '/gateway/stats',
    handle: (ctx) => ({ status: 200, body: ctx.core.hub().stats() }),
  },
  {
    method: 'POST',
    path: '/gateway/invalidate',
    handle: async (ctx) => {
      const body = await optionalObject(ctx);
      ctx.core.hub().invalidateSessions(body.resumable === true);
      return { status: 204 };
    },
  },
];
