/**
 * Who a live webhook belongs to (DESIGN.md, "Ownership rules"). Only `managed` webhooks are
 * matched by name, moved or pruned; `foreign` ones only through an explicit `id:` pin;
 * channel-follower (type 2) and application (type 3) webhooks never, even when pinned.
 * https://discord.com/developers/docs/resources/webhook#webhook-object-webhook-types
 */
import type { APIWebhook } from '../discord/types.js';
import { assertNever } from '../errors.js';
import type { WebhookClass } from './plan-types.js';

export interface Owner {
  botId: string;
  applicationId: string;
}

export function classifyWebhook(webhook: APIWebhook, owner: Owner): WebhookClass {
  switch (webhook.type) {
    case 2:
      return 'channel_follower';
    case 3:
      return 'application';
    case 1:
      return isCreatedBy(webhook, owner) ? 'managed' : 'foreign';
    default:
      return assertNever(webhook.type, 'webhook type');
  }
}

function isCreatedBy(webhook: APIWebhook, owner: Owner): boolean {
  if (webhook.user !== undefined) return webhook.user.id === owner.botId;
  return webhook.application_id !== null && webhook.application_id === owner.applicationId;
}

/** Types 2 and 3 are Discord's own plumbing: cordform never writes to them. */
export function isUntouchable(webhookClass: WebhookClass): boolean {
  return webhookClass === 'channel_follower' || webhookClass === 'application';
}

/**
 * A webhook's place in a guild: its channel and name. Matching, twins and drift all key
 * webhooks and declarations by it (a newline cannot occur in an id, so keys never collide).
 */
export function slotKey(channelId: string, name: string): string {
  return `${channelId}\n${name}`;
}
