import type { ApiRoute, RouteContext } from '../context.js';
import { invalidWebhookToken } from '../errors.js';
import { sendInteraction, settleDelivery } from '../interaction-delivery.js';
import { applyCallback, createFollowup, deleteResponse, editResponse, findResponse, unknownInteraction } from '../interaction-responses.js';
import { applicationSigningKeys } from '../interaction-signing.js';
import type { StoredInteraction } from '../interaction-store.js';
import type { AdminRoute } from './admin.js';
import {
  deleteWebhookMessage,
  editWebhookMessage,
  getWebhookMessage,
  queryFlag,
  WEBHOOK_MESSAGE_PATH,
  webhookTokenRoutes,
} from './webhook-token.js';

/**
 * Interaction routes (https://discord.com/developers/docs/interactions/receiving-and-responding#endpoints):
 * the callback, and the follow-up webhook `/webhooks/{application.id}/{interaction.token}`
 * with `@original`. None needs an Authorization header and none counts against the
 * global rate limit. Follow-ups share the `webhook-token` bucket with ordinary webhooks
 * ("Interactions webhooks share the same rate limit properties as normal webhooks"); the
 * callback has its own `interaction-callback` bucket per interaction.
 */
const tokenMajor = (params: Record<string, string>) => `${params.webhook_id ?? ''}:${params.webhook_token ?? ''}`;

/** The interaction behind a webhook path, or null when the token is not an interaction's. */
function interactionForToken(ctx: RouteContext): StoredInteraction | null {
  const { interactions } = ctx.core.state;
  const record = interactions.byTokenValue(ctx.params.webhook_token ?? '');
  if (!record) return null;
  if (record.application_id !== ctx.params.webhook_id || interactions.tokenExpired(record)) throw invalidWebhookToken();
  return record;
}

/** As interactionForToken, once the target's inline answer (if any) has been applied. */
async function settledInteraction(ctx: RouteContext): Promise<StoredInteraction | null> {
  const record = interactionForToken(ctx);
  if (record) await settleDelivery(record);
  return record;
}

const executeWebhook = webhookTokenRoutes.find((route) => route.method === 'POST');
if (!executeWebhook) throw new Error('sandbox: the execute-webhook route is missing');

export const interactionRoutes: ApiRoute[] = [
  {
    method: 'POST',
    path: '/interactions/:interaction_id/:interaction_token/callback',
    bucket: 'interaction-callback',
    auth: 'webhook-token',
    major: (params) => params.interaction_id ?? '',
    handle: async (ctx) => {
      const record = ctx.core.state.interactions.get(ctx.params.interaction_id!);
      if (!record || record.token !== ctx.params.interaction_token) throw unknownInteraction();
      const { message } = applyCallback(ctx.core, record, await ctx.body());
      if (!queryFlag(ctx.request.query.get('with_response'))) return { status: 204 };
      return {
        status: 200,
        body: {
          interaction: {
            id: record.id,
            type: record.type,
            response_message_id: message?.id,
            response_message_loading: record.response === 5,
            response_message_ephemeral: record.ephemeral,
          },
          resource: { type: record.response, ...(record.response === 4 ? { message } : {}) },
        },
      };
    },
  },
  {
    // Same path, bucket and major as executing an ordinary webhook: an interaction token
    // makes it a follow-up, anything else is handed to the webhook route.
    method: 'POST',
    path: '/webhooks/:webhook_id/:webhook_token',
    bucket: 'webhook-token',
    auth: 'webhook-token',
    major: tokenMajor,
    handle: async (ctx) => {
      const record = interactionForToken(ctx);
      if (!record) return executeWebhook.handle(ctx);
      await settleDelivery(record);
      return { status: 200, body: createFollowup(ctx.core, record, await ctx.body()) };
    },
  },
  // The message routes likewise: `@original` and follow-ups for an interaction token, an
  // ordinary webhook's own messages otherwise.
  {
    method: 'GET',
    path: WEBHOOK_MESSAGE_PATH,
    bucket: 'webhook-token',
    auth: 'webhook-token',
    major: tokenMajor,
    handle: async (ctx) => {
      const record = await settledInteraction(ctx);
      if (!record) return getWebhookMessage(ctx);
      return { status: 200, body: findResponse(record, ctx.params.message_id!) };
    },
  },
  {
    method: 'PATCH',
    path: WEBHOOK_MESSAGE_PATH,
    bucket: 'webhook-token',
    auth: 'webhook-token',
    major: tokenMajor,
    handle: async (ctx) => {
      const record = await settledInteraction(ctx);
      if (!record) return editWebhookMessage(ctx);
      const message = findResponse(record, ctx.params.message_id!);
      return { status: 200, body: editResponse(ctx.core, message, await ctx.body()) };
    },
  },
  {
    method: 'DELETE',
    path: WEBHOOK_MESSAGE_PATH,
    bucket: 'webhook-token',
    auth: 'webhook-token',
    major: tokenMajor,
    handle: async (ctx) => {
      const record = await settledInteraction(ctx);
      if (!record) return deleteWebhookMessage(ctx);
      deleteResponse(ctx.core, record, ctx.params.message_id!);
      return { status: 204 };
    },
  },
];

function describeApplications(ctx: { core: RouteContext['core'] }) {
  return [...ctx.core.state.world.bots.values()].map((bot) => ({
    id: bot.application_id,
    bot_id: bot.id,
    name: bot.username,
    public_key: applicationSigningKeys(bot.application_id).publicKey,
  }));
}

/** Admin routes (no auth, no limits): send interactions, inspect them, read public keys. */
export const interactionAdminRoutes: AdminRoute[] = [
  {
    method: 'POST',
    path: '/interactions',
    handle: async (ctx) => ({ status: 200, body: await sendInteraction(ctx.core, await ctx.body()) }),
  },
  {
    method: 'GET',
    path: '/interactions/:interaction_id',
    handle: (ctx) => {
      const record = ctx.core.state.interactions.get(ctx.params.interaction_id!);
      if (!record) throw unknownInteraction();
      const { delivery: _delivery, sent, ...rest } = record;
      return { status: 200, body: { ...rest, sent: { url: sent.url, timestamp: sent.timestamp } } };
    },
  },
  {
    method: 'GET',
    path: '/applications',
    handle: (ctx) => ({ status: 200, body: describeApplications(ctx) }),
  },
  {
    method: 'GET',
    path: '/applications/:application_id',
    handle: (ctx) => {
      const found = describeApplications(ctx).find((application) => application.id === ctx.params.application_id);
      if (!found) return { status: 404, body: { message: 'Unknown Application', code: 10002 } };
      return { status: 200, body: found };
    },
  },
];
