import type { ApiRoute, HttpMethod, RouteContext, RouteHandler, RouteResult } from '../context.js';
import { invalidWebhookToken } from '../http/errors.js';
import { queryFlag } from '../http/query.js';
import { sendInteraction, settleDelivery } from '../interactions/delivery.js';
import { applyCallback, createFollowup, deleteResponse, editResponse, findResponse, unknownInteraction } from '../interactions/responses.js';
import { applicationSigningKeys } from '../interactions/signing.js';
import type { StoredInteraction } from '../interactions/store.js';
import type { AdminRoute } from './admin.js';
import {
  deleteWebhookMessage,
  editWebhookMessage,
  getWebhookMessage,
  executeWebhook,
  tokenMajor,
  WEBHOOK_MESSAGE_PATH,
} from './webhook-token.js';

/**
 * Interaction routes (https://discord.com/developers/docs/interactions/receiving-and-responding#endpoints):
 * the callback, and the follow-up webhook `/webhooks/{application.id}/{interaction.token}`
 * with `@original`. None needs an Authorization header and none counts against the
 * global rate limit. Follow-ups share the `webhook-token` bucket with ordinary webhooks
 * ("Interactions webhooks share the same rate limit properties as normal webhooks"); the
 * callback has its own `interaction-callback` bucket per interaction.
 */

/** The interaction behind a webhook path, or null when the token is not an interaction's. */
function interactionForToken(ctx: RouteContext): StoredInteraction | null {
  const { interactions } = ctx.core.state;
  const record = interactions.byTokenValue(ctx.params.webhook_token ?? '');
  if (!record) return null;
  if (record.application_id !== ctx.params.webhook_id || interactions.tokenExpired(record)) throw invalidWebhookToken();
  return record;
}

/** A token route that serves interaction tokens itself and hands every other token to `otherwise`. */
function sharedTokenRoute(
  method: HttpMethod,
  path: string,
  otherwise: RouteHandler,
  forInteraction: (ctx: RouteContext, record: StoredInteraction) => RouteResult | Promise<RouteResult>,
): ApiRoute {
  return {
    method,
    path,
    bucket: 'webhook-token',
    auth: 'webhook-token',
    major: tokenMajor,
    handle: async (ctx) => {
      const record = await settledInteraction(ctx);
      return record ? forInteraction(ctx, record) : otherwise(ctx);
    },
  };
}

/** As interactionForToken, once the target's inline answer (if any) has been applied. */
async function settledInteraction(ctx: RouteContext): Promise<StoredInteraction | null> {
  const record = interactionForToken(ctx);
  if (record) await settleDelivery(record);
  return record;
}

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
      if (!queryFlag(ctx.request.query, 'with_response')) return { status: 204 };
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
  // Same paths, bucket and major as an ordinary webhook's token routes: an interaction token
  // makes them follow-ups, `@original` and follow-up messages; anything else is handed to
  // the webhook route.
  sharedTokenRoute('POST', '/webhooks/:webhook_id/:webhook_token', executeWebhook, async (ctx, record) => ({
    status: 200,
    body: createFollowup(ctx.core, record, await ctx.body()),
  })),
  sharedTokenRoute('GET', WEBHOOK_MESSAGE_PATH, getWebhookMessage, (ctx, record) => ({
    status: 200,
    body: findResponse(record, ctx.params.message_id!),
  })),
  sharedTokenRoute('PATCH', WEBHOOK_MESSAGE_PATH, editWebhookMessage, async (ctx, record) => ({
    status: 200,
    body: editResponse(ctx.core, findResponse(record, ctx.params.message_id!), await ctx.body()),
  })),
  sharedTokenRoute('DELETE', WEBHOOK_MESSAGE_PATH, deleteWebhookMessage, (ctx, record) => {
    deleteResponse(ctx.core, record, ctx.params.message_id!);
    return { status: 204 };
  }),
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
