/**
 * Warnings: what a reviewer must notice before approving. Deleting a webhook breaks every
 * system that posts to its URL, so deletes, adoptions and likely renames are spelled out.
 */
import type { APIWebhook } from '../discord/types.js';
import { assertNever } from '../errors.js';
import { AVATAR_HASH_NOTE } from './avatar.js';
import { slotKey } from './ownership.js';
import type { Change, CreateChange, Warning } from './plan-types.js';

/** A create and a delete in one channel may be a rename that would lose the URL. */
export function renameHints(changes: readonly Change[]): Warning[] {
  // Deleted names by channel, in plan order: one lookup per create, not a scan of every delete.
  const deleted = new Map<string, string[]>();
  for (const change of changes) {
    if (change.action !== 'delete') continue;
    const names = deleted.get(change.channelId);
    if (names === undefined) deleted.set(change.channelId, [change.name]);
    else names.push(change.name);
  }
  return changes.flatMap((change) => {
    if (change.action !== 'create') return [];
    const old = deleted.get(change.channelId) ?? [];
    if (old.length === 0) return [];
    const message =
      `"${change.name}" is created and ${old.map((n) => `"${n}"`).join(', ')} deleted in channel ${change.channelId}: ` +
      `if this is a rename, add \`renamed_from: ${old[0]}\` to keep the URL`;
    return [{ code: 'rename_hint', message, guildId: change.guildId, key: change.key, ...locationOf(change) }];
  });
}

/** A create next to a same-named webhook the bot does not own: maybe it should be adopted. */
export function adoptHints(creates: readonly CreateChange[], unowned: readonly APIWebhook[]): Warning[] {
  if (unowned.length === 0) return [];
  // The first unowned webhook per (channel, name): one lookup per create.
  const bySlot = new Map<string, APIWebhook>();
  for (const webhook of unowned) {
    const slot = slotKey(webhook.channel_id ?? '', webhook.name ?? '');
    if (webhook.channel_id !== null && webhook.name !== null && !bySlot.has(slot)) bySlot.set(slot, webhook);
  }
  return creates.flatMap((change) => {
    const twin = bySlot.get(slotKey(change.channelId, change.name));
    if (twin === undefined) return [];
    const message =
      `"${change.name}" is created next to an existing webhook of the same name that the bot does not own (${twin.id}); ` +
      `to take that one over instead, add \`id: "${twin.id}"\``;
    return [{ code: 'adopt_hint', message, guildId: change.guildId, key: change.key, ...locationOf(change) }];
  });
}

/** One warning per delete and adoption, plus one for avatar re-uploads. */
export function changeWarnings(changes: readonly Change[]): Warning[] {
  const warnings = changes.flatMap(warningFor);
  const reuploads = changes.filter((c) => c.action !== 'sync_commands' && c.note === AVATAR_HASH_NOTE).length;
  if (reuploads > 0) {
    warnings.push({ code: 'avatar_hash', message: `${reuploads} avatar(s) will be re-uploaded. ${AVATAR_HASH_NOTE}` });
  }
  return warnings;
}

function warningFor(change: Change): Warning[] {
  const base = { guildId: change.guildId, key: change.key, ...locationOf(change) };
  switch (change.action) {
    case 'delete':
      return [{ code: 'delete', message: `deletes webhook "${change.name}" (${change.webhookId}) in channel ${change.channelId}: anything posting to its URL will stop working`, ...base }];
    case 'replace':
      return [{ code: 'delete', message: `replaces webhook "${change.name}" (${change.webhookId}): ${change.why}, so its URL changes and anything posting to the old URL will stop working`, ...base }];
    case 'adopt':
      return [{ code: 'adopt', message: `adopts webhook "${change.precondition.name ?? ''}" (${change.webhookId}), which the bot did not create; cordform will modify it (but never delete it)`, ...base }];
    case 'sync_commands':
      return change.commands.delete.length === 0 ? [] : [{ code: 'delete', message: `removes slash command(s) ${change.commands.delete.join(', ')} from guild ${change.guildId}`, ...base }];
    case 'create':
    case 'update':
    case 'move':
      return [];
    default:
      return assertNever(change, 'change');
  }
}

export function partialPlanWarning(targets: readonly string[]): Warning {
  return {
    code: 'partial_plan',
    message: `this plan is partial: only changes matching --target ${targets.join(', ')} are included; the rest of the manifest may not match Discord`,
  };
}

function locationOf(change: Change): Pick<Warning, 'location'> {
  return change.location === undefined ? {} : { location: change.location };
}
