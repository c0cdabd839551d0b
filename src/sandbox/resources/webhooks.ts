import type { AuditLogAction, AuditLogChange } from '../store/audit-log.js';
import { AuditLogEvent } from '../store/audit-log.js';
import type { SandboxCore } from '../context.js';
import { cannotUseChannelType, FieldErrors, FormErrors, maxChannelWebhooks, maxGuildWebhooks } from '../http/errors.js';
import { isCategory, isThread } from '../store/channel-types.js';
import { randomWebhookToken } from '../store/snowflake.js';
import { checkAvatar, checkWebhookName, requireObject } from './validation.js';
import { MAX_WEBHOOKS_PER_CHANNEL, MAX_WEBHOOKS_PER_GUILD, type StoredWebhook } from '../store/webhook-store.js';
import type { WorldChannel } from '../store/world.js';

/**
 * The webhook writes shared by the bot routes and the token routes: validation, Discord's
 * limits (15 per channel, 1000 per guild) and the audit-log entry with the request's reason.
 */

/** Webhooks cannot live in categories or threads; every other guild channel type may hold them. */
function assertWebhookChannel(channel: WorldChannel): void {
  if (isCategory(channel.type) || isThread(channel.type)) throw cannotUseChannelType();
}

export interface WriteActor {
  userId: string | null;
  reason: string | null;
}

export function createWebhook(
  core: SandboxCore,
  channel: WorldChannel,
  creator: { id: string; application_id: string | null },
  rawBody: unknown,
  actor: WriteActor,
): StoredWebhook {
  const body = requireObject(rawBody);
  const errors = new FormErrors();
  const name = checkWebhookName(body.name, 'name', errors, true);
  const avatar = checkAvatar(body.avatar, 'avatar', errors);
  errors.throwIfAny();
  assertWebhookChannel(channel);
  assertRoom(core, channel);
  const webhook: StoredWebhook = {
    id: core.state.snowflakes.next(),
    type: 1,
    guild_id: channel.guild_id,
    channel_id: channel.id,
    name: name!,
    avatar: avatar ?? null,
    token: randomWebhookToken(),
    application_id: creator.application_id,
    creator_id: creator.id,
  };
  core.state.putWebhook(webhook);
  audit(core, 'WEBHOOK_CREATE', webhook, actor, webhookFields(webhook, 'new_value'));
  return webhook;
}

/** Parsed PATCH body; `channelId` only for the bot route (the token route ignores it). */
export interface WebhookPatch {
  name?: string;
  avatar?: string | null;
  channelId?: string;
}

export function parseWebhookPatch(rawBody: unknown, allowChannel: boolean): WebhookPatch {
  const body = requireObject(rawBody);
  const errors = new FormErrors();
  const patch: WebhookPatch = {};
  if (body.name !== undefined) {
    const name = checkWebhookName(body.name, 'name', errors, true);
    if (name !== undefined) patch.name = name;
  }
  const avatar = checkAvatar(body.avatar, 'avatar', errors);
  if (avatar !== undefined) patch.avatar = avatar;
  if (allowChannel && body.channel_id !== undefined && body.channel_id !== null) {
    if (typeof body.channel_id !== 'string' || !/^\d{1,20}$/.test(body.channel_id)) {
      errors.add(['channel_id'], FieldErrors.notSnowflake(body.channel_id));
    } else {
      patch.channelId = body.channel_id;
    }
  }
  errors.throwIfAny();
  return patch;
}

/** Applies a patch; a new channel (already checked by the caller) is a move that keeps id and token. */
export function modifyWebhook(
  core: SandboxCore,
  webhook: StoredWebhook,
  patch: WebhookPatch,
  target: WorldChannel | null,
  actor: WriteActor,
): StoredWebhook {
  const changes: AuditLogChange[] = [];
  const update: Partial<Pick<StoredWebhook, 'name' | 'avatar' | 'channel_id'>> = {};
  if (patch.name !== undefined && patch.name !== webhook.name) {
    changes.push(change('name', webhook.name, patch.name));
    update.name = patch.name;
  }
  if (patch.avatar !== undefined && patch.avatar !== webhook.avatar) {
    changes.push(change('avatar_hash', webhook.avatar, patch.avatar));
    update.avatar = patch.avatar;
  }
  if (target && target.id !== webhook.channel_id) {
    assertWebhookChannel(target);
    assertRoom(core, target, false);
    changes.push(change('channel_id', webhook.channel_id, target.id));
    update.channel_id = target.id;
  }
  const updated: StoredWebhook = { ...webhook, ...update };
  core.state.putWebhook(updated);
  // A PATCH that changes nothing leaves nothing to audit.
  if (changes.length > 0) audit(core, 'WEBHOOK_UPDATE', updated, actor, changes);
  return updated;
}

export function deleteWebhook(core: SandboxCore, webhook: StoredWebhook, actor: WriteActor): void {
  core.state.deleteWebhook(webhook.id);
  audit(core, 'WEBHOOK_DELETE', webhook, actor, webhookFields(webhook, 'old_value'));
}

/**
 * A change as Discord shows it (https://discord.com/developers/docs/resources/audit-log#audit-log-change-object):
 * a null value is left out ("If old_value isn't included, it indicated that the property was
 * previously null"); webhooks say `avatar_hash`, not `avatar`.
 */
function change(key: string, oldValue: unknown, newValue: unknown): AuditLogChange {
  return {
    key,
    ...(oldValue !== null && oldValue !== undefined ? { old_value: oldValue } : {}),
    ...(newValue !== null && newValue !== undefined ? { new_value: newValue } : {}),
  };
}

/** A created (new values) or deleted (old values) webhook's fields. */
function webhookFields(webhook: StoredWebhook, side: 'old_value' | 'new_value'): AuditLogChange[] {
  const fields: Array<[string, unknown]> = [
    ['type', webhook.type],
    ['channel_id', webhook.channel_id],
    ['name', webhook.name],
    ['avatar_hash', webhook.avatar],
    ['application_id', webhook.application_id],
  ];
  return fields
    .filter(([, value]) => value !== null)
    .map(([key, value]) => (side === 'old_value' ? change(key, value, null) : change(key, null, value)));
}

function assertRoom(core: SandboxCore, channel: WorldChannel, checkGuild = true): void {
  if (core.state.webhooks.countInChannel(channel.id) >= MAX_WEBHOOKS_PER_CHANNEL) throw maxChannelWebhooks();
  if (checkGuild && core.state.webhooks.countInGuild(channel.guild_id) >= MAX_WEBHOOKS_PER_GUILD) throw maxGuildWebhooks();
}

function audit(core: SandboxCore, action: AuditLogAction, webhook: StoredWebhook, actor: WriteActor, changes: AuditLogChange[]): void {
  core.state.addAuditEntry({
    action,
    action_type: AuditLogEvent[action],
    guild_id: webhook.guild_id,
    user_id: actor.userId,
    target_id: webhook.id,
    reason: actor.reason,
    changes,
  });
}
