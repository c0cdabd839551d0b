import { timingSafeEqual } from 'node:crypto';
import type { ApiRoute, RouteContext, RouteHandler } from '../context.js';
import { invalidWebhookToken, unknownMessage } from '../http/errors.js';
import { queryFlag } from '../http/query.js';
import { createWebhookMessage, deleteMessage, editMessage, type SandboxMessage } from '../resources/messages.js';
import { checkMessageBody, checkMessageEdit } from '../resources/message-body.js';
import { executeWebhookInto, ForumWebhookErrors, slackToMessageBody, webhookChannel, webhookTarget } from '../resources/webhook-execute.js';
import { isForum } from '../store/channel-types.js';
import { requireObject } from '../resources/validation.js';
import { deleteWebhook, modifyWebhook, parseWebhookPatch } from '../resources/webhooks.js';
import type { StoredWebhook } from '../store/webhook-store.js';
import { requireWebhook } from './access.js';
import { viewWebhook } from './webhook-view.js';

/**
 * Routes authorized by the webhook token in the path (no Authorization header, not subject
 * to the bot's global limit). Discord omits `user` from these webhook objects and ignores
 * `channel_id` on PATCH (https://discord.com/developers/docs/resources/webhook#modify-webhook-with-token).
 */
function requireTokenWebhook(ctx: RouteContext): StoredWebhook {
  const webhook = requireWebhook(ctx.core, ctx.params.webhook_id!);
  const given = Buffer.from(ctx.params.webhook_token ?? '');
  const expected = Buffer.from(webhook.token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidWebhookToken();
  return webhook;
}

const PATH = '/webhooks/:webhook_id/:webhook_token';
export const WEBHOOK_MESSAGE_PATH = `${PATH}/messages/:message_id`;
/** Webhook-token routes are limited per webhook id and token. */
export const tokenMajor = (params: Record<string, string>) => `${params.webhook_id ?? ''}:${params.webhook_token ?? ''}`;

/**
 * A message this webhook sent, looked up in the webhook's current channel as Discord does,
 * or in the thread of it that `?thread_id=` names. Another webhook's message, or none, is 10008.
 */
function requireWebhookMessage(ctx: RouteContext, webhook: StoredWebhook): SandboxMessage {
  const channel = webhookTarget(ctx.core, webhook, ctx.request.query.get('thread_id'));
  const message = ctx.core.state.messages.find(channel.id, ctx.params.message_id ?? '');
  if (!message || message.webhook_id !== webhook.id) throw unknownMessage();
  return message as SandboxMessage;
}

/**
 * Execute Webhook (https://discord.com/developers/docs/resources/webhook#execute-webhook):
 * `?wait=true` answers with the message, otherwise 204.
 */
export const executeWebhook: RouteHandler = async (ctx) => {
  const webhook = requireTokenWebhook(ctx);
  const input = checkMessageBody(await ctx.body(), { webhook: true, files: await ctx.files() });
  const message = executeWebhookInto(ctx.core, webhook, input, ctx.request.query.get('thread_id'));
  return queryFlag(ctx.request.query, 'wait') ? { status: 200, body: message } : { status: 204 };
};

/**
 * Execute Slack-Compatible Webhook: the message from a Slack payload; Discord answers `ok`
 * whatever `wait` says, and refuses forum channels (220004).
 */
const executeSlackWebhook: RouteHandler = async (ctx) => {
  const webhook = requireTokenWebhook(ctx);
  if (isForum(webhookChannel(ctx.core, webhook).type)) throw ForumWebhookErrors.serviceInForum();
  const body = slackToMessageBody(requireObject(await ctx.body()));
  const input = checkMessageBody(body, { webhook: true });
  createWebhookMessage(ctx.core, webhookTarget(ctx.core, webhook, ctx.request.query.get('thread_id')), webhook, input);
  return { status: 200, text: 'ok' };
};

/** Get Webhook Message (https://discord.com/developers/docs/resources/webhook#get-webhook-message). */
export const getWebhookMessage: RouteHandler = (ctx) => {
  const webhook = requireTokenWebhook(ctx);
  return { status: 200, body: requireWebhookMessage(ctx, webhook) };
};

/** Edit Webhook Message (https://discord.com/developers/docs/resources/webhook#edit-webhook-message). */
export const editWebhookMessage: RouteHandler = async (ctx) => {
  const webhook = requireTokenWebhook(ctx);
  const message = requireWebhookMessage(ctx, webhook);
  return { status: 200, body: editMessage(ctx.core, message, checkMessageEdit(await ctx.body(), await ctx.files())) };
};

/** Delete Webhook Message (https://discord.com/developers/docs/resources/webhook#delete-webhook-message). */
export const deleteWebhookMessage: RouteHandler = (ctx) => {
  const webhook = requireTokenWebhook(ctx);
  deleteMessage(ctx.core, requireWebhookMessage(ctx, webhook));
  return { status: 204 };
};

export const webhookTokenRoutes: ApiRoute[] = [
  {
    method: 'POST',
    path: `${PATH}/slack`,
    bucket: 'webhook-token',
    auth: 'webhook-token',
    major: tokenMajor,
    handle: executeSlackWebhook,
  },
  {
    method: 'GET',
    path: PATH,
    bucket: 'webhook-token',
    auth: 'webhook-token',
    major: tokenMajor,
    handle: (ctx) => ({ status: 200, body: viewWebhook(ctx.core, requireTokenWebhook(ctx), false) }),
  },
  {
    method: 'PATCH',
    path: PATH,
    bucket: 'webhook-token',
    auth: 'webhook-token',
    major: tokenMajor,
    handle: async (ctx) => {
      const webhook = requireTokenWebhook(ctx);
      const patch = parseWebhookPatch(await ctx.body(), false);
      const updated = modifyWebhook(ctx.core, webhook, patch, null, { userId: null, reason: ctx.reason });
      return { status: 200, body: viewWebhook(ctx.core, updated, false) };
    },
  },
  {
    method: 'DELETE',
    path: PATH,
    bucket: 'webhook-token',
    auth: 'webhook-token',
    major: tokenMajor,
    handle: (ctx) => {
      deleteWebhook(ctx.core, requireTokenWebhook(ctx), { userId: null, reason: ctx.reason });
      return { status: 204 };
    },
  },
];
