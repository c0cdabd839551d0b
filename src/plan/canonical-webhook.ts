/**
 * One canonical webhook shape for both sides of the diff (drizzle-kit style): the
 * manifest's declaration and Discord's webhook object are each mapped to it, then compared
 * field by field. Copies only; callers' objects are never mutated.
 */
import type { APIWebhook } from '../discord/types.js';
import type { WebhookDeclaration } from '../manifest/types.js';
import { avatarFingerprint, avatarLabel } from './avatar.js';
import { diffFields } from './diff-fields.js';
import type { FieldDiffs } from './plan-types.js';

export interface CanonicalWebhook {
  name: string;
  channel_id: string;
  /** Declared: the file's MD5 hex. Live: Discord's avatar hash. null: no avatar. */
  avatar: string | null;
}

export const WEBHOOK_FIELDS = ['name', 'channel_id', 'avatar'] as const;

export function canonicalWebhookFromDeclaration(declaration: WebhookDeclaration): CanonicalWebhook {
  return {
    name: declaration.name,
    channel_id: declaration.channel,
    avatar: avatarFingerprint(declaration.avatar),
  };
}

export function canonicalWebhookFromLive(webhook: APIWebhook): CanonicalWebhook {
  return { name: webhook.name ?? '', channel_id: webhook.channel_id ?? '', avatar: webhook.avatar };
}

/**
 * Field diffs from the live webhook to its declaration; the avatar shown as `md5:… (path)`,
 * and not compared at all for `avatar: keep`.
 */
export function diffWebhook(live: APIWebhook, declaration: WebhookDeclaration): FieldDiffs {
  const fields = declaration.keepAvatar ? WEBHOOK_FIELDS.filter((field) => field !== 'avatar') : WEBHOOK_FIELDS;
  const diffs = diffFields(canonicalWebhookFromLive(live), canonicalWebhookFromDeclaration(declaration), fields);
  if (diffs.avatar !== undefined) diffs.avatar = { from: live.avatar, to: avatarLabel(declaration.avatar) };
  return diffs;
}

/** Fields of a webhook that is about to be created (`from` is null throughout). */
export function fieldsOfCreate(declaration: WebhookDeclaration): FieldDiffs {
  const fields: FieldDiffs = {
    name: { from: null, to: declaration.name },
    channel_id: { from: null, to: declaration.channel },
  };
  if (declaration.avatar !== undefined) fields.avatar = { from: null, to: avatarLabel(declaration.avatar) };
  return fields;
}

/** Fields of a webhook that is about to be deleted (`to` is null throughout). */
export function fieldsOfDelete(live: APIWebhook): FieldDiffs {
  const fields: FieldDiffs = {
    name: { from: live.name, to: null },
    channel_id: { from: live.channel_id, to: null },
  };
  if (live.avatar !== null) fields.avatar = { from: live.avatar, to: null };
  return fields;
}
