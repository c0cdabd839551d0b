import type { AuditLogAction, AuditLogChange } from '../store/audit-log.js';
import { AuditLogEvent } from '../store/audit-log.js';
import type { SandboxCore } from '../context.js';
import { cannotUseChannelType, FormErrors, maxChannelWebhooks, maxGuildWebhooks } from '../http/errors.js';
import { randomWebhookToken } from '../store/snowflake.js';
import { checkAvatar, checkWebhookName, requireObject } from './validation.js';
import { MAX_WEBHOOKS_PER_CHANNEL, MAX_WEBHOOKS_PER_GUILD, type StoredWebhook } from '../store/webhook-store.js';
import type { WorldChannel } from '../store/world.js';

/**
 * The webhook writes shared by the bot routes and the token routes: validation, Discord's
 * limits (15 per channel, 1000 per guild) and the audit-log entry with the request's reason.
 */

/** Webhooks cannot live in categories (type 4) or threads (10–12); every other guild channel type may hold them. */
const NO_WEBHOOKS = new Set([4, 10, 11, 12]);
function assertWebhookChannel(channel: WorldChannel): void {
  if (NO_WEBHOOKS.has(channel.type)) throw cannotUseChannelType();
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
  audit(core, 'WEBHOOK_CREATE', webhook, actor, [
    { key: 'name', new_value: webhook.name },
    { key: 'channel_id', new_value: webhook.channel_id },
    { key: 'type', new_value: webhook.type },
    ...(webhook.avatar ? [{ key: 'avatar_hash', new_value: webhook.avatar }] : []),
  ]);
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
      errors.add(['channel_id'], { code: 'NUMBER_TYPE_COERCE', message: `Value "${String(body.channel_id)}" is not snowflake.` });
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
    changes.push({ key: 'name', old_value: webhook.name, new_value: patch.name });
    update.name = patch.name;
  }
  if (patch.avatar !== undefined && patch.avatar !== webhook.avatar) {
    changes.push({ key: 'avatar_hash', old_value: webhook.avatar, new_value: patch.avatar });
    update.avatar = patch.avatar;
  }
  if (target && target.id !== webhook.channel_id) {
    assertWebhookChannel(target);
    assertRoom(core, target, false);
    changes.push({ key: 'channel_id', old_value: webhook.channel_id, new_value: target.id });
    update.channel_id = target.id;
  }
  const updated: StoredWebhook = { ...webhook, ...update };
  core.state.putWebhook(updated);
  audit(core, 'WEBHOOK_UPDATE', updated, actor, changes);
  return updated;
}

export function deleteWebhook(core: SandboxCore, webhook: StoredWebhook, actor: WriteActor): void {
  core.state.deleteWebhook(webhook.id);
  audit(core, 'WEBHOOK_DELETE', webhook, actor, [
    { key: 'name', old_value: webhook.name },
    { key: 'channel_id', old_value: webhook.channel_id },
  ]);
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
