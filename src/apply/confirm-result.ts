/**
 * After the writes: one read per changed guild (`GET /guilds/{id}/webhooks`) that settles
 * what concurrent writers did and confirms what this apply claims.
 *
 * Owned twins. Two applies of one manifest that start together both create each webhook.
 * No lock is needed to converge: every apply keeps, for each (channel, name) it created, the
 * owned webhook with the lowest snowflake — the oldest, the same answer in every process —
 * deletes its own if that is not the one, and reports the winner instead. The loser always
 * sees the winner, because the winner was created (and listed) before the loser's create.
 *
 * Verification. A webhook this apply updated must still look the way the write left it, a
 * deleted one must be gone; anything else means another writer changed it meanwhile, which
 * the apply reports (and fails on) instead of claiming success.
 */
import { isDiscordApiError, UNKNOWN_WEBHOOK } from '../discord/discord-api-error.js';
import type { DiscordApi } from '../discord/api.js';
import { assertNever } from '../errors.js';
import type { APIWebhook } from '../discord/types.js';
import { classifyWebhook, slotKey, type Change, type Owner } from '../plan/index.js';
import { maskWebhookUrl } from '../redact.js';
import type { ChangeOutcome } from './apply-plan.js';
import { compareSnowflakes } from '../plan/sort.js';
import type { WriteScope } from './write-scope.js';

export interface Conflict {
  key: string;
  webhookId: string;
  message: string;
}

export interface ConfirmOptions {
  api: DiscordApi;
  scope: WriteScope;
  reason: string;
  signal?: AbortSignal;
}

export interface ConfirmedResult {
  outcomes: ChangeOutcome[];
  conflicts: Conflict[];
  /** The webhooks of every guild read for the confirmation (tokens included: secrets). */
  webhooks: Map<string, APIWebhook[]>;
}

export async function confirmResult(
  changes: readonly Change[],
  outcomes: readonly ChangeOutcome[],
  written: ReadonlyMap<Change, APIWebhook>,
  options: ConfirmOptions,
): Promise<ConfirmedResult> {
  const guildIds = [
    ...new Set(changes.filter((c, i) => c.action !== 'sync_commands' && outcomes[i]!.status !== 'skipped').map((c) => c.guildId)),
  ].sort();
  const read = options.signal ? { signal: options.signal } : {};
  const lists = new Map(
    await Promise.all(guildIds.map(async (id) => [id, await options.api.getGuildWebhooks(id, read)] as const)),
  );
  const indexes = new Map([...lists].map(([id, list]) => [id, indexGuild(list, options.scope.owner)] as const));
  const conflicts: Conflict[] = [];
  const confirmed: ChangeOutcome[] = [];
  for (const [index, change] of changes.entries()) {
    const outcome = outcomes[index]!;
    const live = indexes.get(change.guildId);
    if (live === undefined || outcome.status === 'skipped' || outcome.status === 'not_started') {
      confirmed.push(outcome);
      continue;
    }
    const settled = await settleChange(change, outcome, live, written.get(change), options);
    confirmed.push(settled.outcome);
    if (settled.conflict) conflicts.push(settled.conflict);
  }
  return { outcomes: confirmed, conflicts, webhooks: new Map([...lists].map(([id, list]) => [id, [...list]])) };
}

/** One guild's confirming read, indexed once: an apply may settle 1000 changes against it. */
interface GuildIndex {
  byId: Map<string, APIWebhook>;
  /** Owned (managed) webhooks by slotKey, oldest first. */
  ownedBySlot: Map<string, APIWebhook[]>;
}

function indexGuild(list: readonly APIWebhook[], owner: Owner): GuildIndex {
  const byId = new Map<string, APIWebhook>();
  const ownedBySlot = new Map<string, APIWebhook[]>();
  for (const webhook of [...list].sort((a, b) => compareSnowflakes(a.id, b.id))) {
    byId.set(webhook.id, webhook);
    if (webhook.channel_id === null || webhook.name === null || classifyWebhook(webhook, owner) !== 'managed') continue;
    const slot = slotKey(webhook.channel_id, webhook.name);
    const owned = ownedBySlot.get(slot);
    if (owned === undefined) ownedBySlot.set(slot, [webhook]);
    else owned.push(webhook);
  }
  return { byId, ownedBySlot };
}

interface Settled {
  outcome: ChangeOutcome;
  conflict?: Conflict;
}

async function settleChange(
  change: Change,
  outcome: ChangeOutcome,
  live: GuildIndex,
  written: APIWebhook | undefined,
  options: ConfirmOptions,
): Promise<Settled> {
  const byId = (id: string) => live.byId.get(id);
  switch (change.action) {
    case 'create':
    case 'replace': {
      if (outcome.status !== 'done' && outcome.status !== 'failed' && outcome.status !== 'unknown') return { outcome };
      if (outcome.webhookId === undefined) return { outcome };
      const settled = await settleTwins(change, outcome, live, options);
      if (change.action === 'replace' && outcome.status === 'done' && byId(change.webhookId) !== undefined) {
        return conflictOf(settled.outcome, change, change.webhookId, `the old webhook ${change.webhookId} still exists after it was deleted`);
      }
      return settled;
    }
    case 'update':
    case 'move':
    case 'adopt': {
      if (outcome.status !== 'done') return { outcome };
      const current = byId(change.webhookId);
      if (current === undefined) return conflictOf(outcome, change, change.webhookId, `webhook ${change.webhookId} was deleted by another writer during this apply`);
      const drift = differences(current, { name: change.name, channel_id: change.channelId, avatar: written?.avatar ?? current.avatar });
      return drift === null ? { outcome } : conflictOf(outcome, change, change.webhookId, `webhook ${change.webhookId} was changed by another writer during this apply: ${drift}`);
    }
    case 'delete':
      if (outcome.status !== 'done' || byId(change.webhookId) === undefined) return { outcome };
      return conflictOf(outcome, change, change.webhookId, `webhook ${change.webhookId} still exists after it was deleted`);
    case 'sync_commands':
      return { outcome };
    default:
      return assertNever(change, 'change');
  }
}

/**
 * The oldest owned webhook of the change's (channel, name) is the one everyone keeps. When
 * it is not ours, ours is deleted and the winner reported; when ours is gone (another apply
 * removed it as a twin), the winner is reported too.
 */
async function settleTwins(
  change: Change & { action: 'create' | 'replace' },
  outcome: ChangeOutcome,
  live: GuildIndex,
  options: ConfirmOptions,
): Promise<Settled> {
  const ours = outcome.webhookId!;
  const twins = live.ownedBySlot.get(slotKey(change.channelId, change.name)) ?? [];
  const winner = twins[0];
  if (winner === undefined) {
    if (outcome.status !== 'done') return { outcome };
    return conflictOf(outcome, change, ours, `webhook ${ours} created by this apply was deleted by another writer`);
  }
  if (winner.id === ours) return { outcome };
  if (twins.some((w) => w.id === ours) && options.scope.created.has(ours)) {
    const problem = await deleteOwnTwin(ours, options);
    if (problem !== null) return conflictOf(outcome, change, ours, `another apply created "${change.name}" at the same time, and deleting ours (${ours}) failed: ${problem}`);
  }
  const kept: ChangeOutcome = { ...outcome, webhookId: winner.id, twin: { kept: winner.id, removed: ours } };
  if (winner.url) kept.url = maskWebhookUrl(winner.url);
  else delete kept.url;
  return { outcome: kept };
}

/** Deletes this apply's own losing twin; the problem in words when that fails. */
async function deleteOwnTwin(webhookId: string, options: ConfirmOptions): Promise<string | null> {
  try {
    await options.api.deleteWebhook(webhookId, { reason: options.reason, ...(options.signal ? { signal: options.signal } : {}) });
    return null;
  } catch (error) {
    // Already gone: the other apply (or its next plan) removed it, which is the same result.
    if (isDiscordApiError(error, UNKNOWN_WEBHOOK)) return null;
    return (error as Error).message;
  }
}

function differences(current: APIWebhook, expected: { name: string; channel_id: string; avatar: string | null }): string | null {
  const diffs: string[] = [];
  if (current.name !== expected.name) diffs.push(`name is now "${current.name ?? ''}" (this apply set "${expected.name}")`);
  if (current.channel_id !== expected.channel_id) diffs.push(`channel is now ${current.channel_id ?? '?'} (this apply set ${expected.channel_id})`);
  if (current.avatar !== expected.avatar) diffs.push(`avatar is now ${current.avatar ?? 'none'} (this apply set ${expected.avatar ?? 'none'})`);
  return diffs.length === 0 ? null : diffs.join(', ');
}

function conflictOf(outcome: ChangeOutcome, change: Change, webhookId: string, message: string): Settled {
  return { outcome, conflict: { key: change.key, webhookId, message } };
}
