/**
 * Turns matching results into typed changes, each carrying the exact write apply performs
 * (`request`) and what it expects of that one webhook first (`precondition`).
 * https://discord.com/developers/docs/resources/webhook#create-webhook (POST),
 * #modify-webhook (PATCH, `channel_id` moves and keeps the URL), #delete-webhook (DELETE).
 */
import type { APIWebhook } from '../discord/types.js';
import type { WebhookDeclaration } from '../manifest/types.js';
import { avatarNote } from './avatar.js';
import { diffWebhook, fieldsOfCreate, fieldsOfDelete } from './canonical-webhook.js';
import type { WebhookMatch } from './match-webhooks.js';
import type {
  AvatarReference,
  CreateChange,
  DeleteChange,
  FieldDiffs,
  ModifyRequest,
  PresentPrecondition,
  ReplaceChange,
  WebhookChange,
} from './plan-types.js';

/** The change that makes a matched webhook equal its declaration; null when it already is. */
export function changeForMatch(match: WebhookMatch): WebhookChange | null {
  const { declaration, webhook } = match;
  const fields = diffWebhook(webhook, declaration);
  if (Object.keys(fields).length === 0) return null;
  const note = avatarNote(fields.avatar);
  return {
    action: actionFor(match, fields),
    ...declared(declaration),
    webhookId: webhook.id,
    ownership: match.webhookClass === 'managed' ? 'managed' : 'adopted',
    fields,
    request: modifyRequest(webhook.id, declaration, fields),
    precondition: presentPrecondition(webhook),
    ...(note === undefined ? {} : { note }),
  };
}

export function createChange(declaration: WebhookDeclaration): CreateChange {
  const avatar = avatarReference(declaration);
  return {
    action: 'create',
    ...declared(declaration),
    ownership: 'managed',
    fields: fieldsOfCreate(declaration),
    request: {
      method: 'POST',
      path_template: '/channels/{channel.id}/webhooks',
      params: { 'channel.id': declaration.channel },
      body: { name: declaration.name, ...(avatar === null ? {} : { avatar }) },
    },
    precondition: { exists: false, name: declaration.name, channel_id: declaration.channel },
  };
}

export function deleteChange(guildId: string, webhook: APIWebhook): DeleteChange {
  const name = webhook.name ?? '';
  const channelId = webhook.channel_id ?? '';
  return {
    action: 'delete',
    key: `${guildId}/${channelId}/${name}`,
    guildId,
    channelId,
    name,
    webhookId: webhook.id,
    ownership: 'managed',
    fields: fieldsOfDelete(webhook),
    request: { method: 'DELETE', path_template: '/webhooks/{webhook.id}', params: { 'webhook.id': webhook.id }, body: null },
    precondition: presentPrecondition(webhook),
  };
}

/**
 * One change for "delete `old`, create `create`'s webhook": the old webhook's id and
 * precondition, the create's request; the fields diff the old webhook against the new one.
 */
export function replaceChange(create: CreateChange, old: DeleteChange, why: string): ReplaceChange {
  const fields: FieldDiffs = {};
  for (const [field, diff] of Object.entries(create.fields)) {
    const from = old.fields[field]?.from ?? null;
    if (from !== diff.to) fields[field] = { from, to: diff.to };
  }
  return {
    ...create,
    action: 'replace',
    webhookId: old.webhookId,
    fields,
    precondition: old.precondition,
    createPrecondition: create.precondition,
    deleteRequest: old.request,
    order: 'create_first',
    why,
  };
}

function actionFor(match: WebhookMatch, fields: FieldDiffs): 'adopt' | 'move' | 'update' {
  if (match.webhookClass !== 'managed') return 'adopt';
  return fields.channel_id === undefined ? 'update' : 'move';
}

/** The identifying fields every change of a declaration carries. */
function declared(declaration: WebhookDeclaration) {
  return {
    key: declaration.key,
    guildId: declaration.guildId,
    channelId: declaration.channel,
    name: declaration.name,
    location: declaration.location,
    ...(declaration.reason === undefined ? {} : { reason: declaration.reason }),
  };
}

function modifyRequest(webhookId: string, declaration: WebhookDeclaration, fields: FieldDiffs): ModifyRequest {
  const body: ModifyRequest['body'] = {};
  if (fields.name !== undefined) body.name = declaration.name;
  if (fields.channel_id !== undefined) body.channel_id = declaration.channel;
  if (fields.avatar !== undefined) body.avatar = avatarReference(declaration);
  return { method: 'PATCH', path_template: '/webhooks/{webhook.id}', params: { 'webhook.id': webhookId }, body };
}

/** Never the data URI: apply re-reads the file and checks its MD5 before uploading. */
function avatarReference(declaration: WebhookDeclaration): AvatarReference | null {
  const avatar = declaration.avatar;
  return avatar === undefined ? null : { path: avatar.path, md5: avatar.md5.toLowerCase() };
}

function presentPrecondition(webhook: APIWebhook): PresentPrecondition {
  return {
    exists: true,
    webhook_id: webhook.id,
    name: webhook.name,
    channel_id: webhook.channel_id,
    avatar: webhook.avatar,
  };
}
