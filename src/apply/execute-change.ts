import { setTimeout as sleep } from 'node:timers/promises';
import { assertNever } from '../errors.js';
import { isDiscordApiError, UNKNOWN_WEBHOOK } from '../discord/discord-api-error.js';
import type { DiscordApi, WriteOptions } from '../discord/api.js';
import { backoffDelay, type BackoffOptions } from '../discord/retry.js';
import type { APIWebhook } from '../discord/types.js';
import type { Manifest } from '../manifest/types.js';
import type { Change, CreateChange, ModifyRequest, ReplaceChange } from '../plan/plan-types.js';
import { clampReason } from './audit-reason.js';
import { avatarForRequest } from './resolve-avatar.js';
import { assertInScope, type WriteScope } from './write-scope.js';

/** What one executed change produced (the created/updated webhook, if any). */
export interface ChangeEffect {
  webhook?: APIWebhook;
  /** True when the write turned out to be done already (a DELETE answered 404, a recovered create). */
  alreadyDone?: boolean;
  /** A replace: the new webhook exists, but the old one could not be deleted. */
  oldWebhookError?: unknown;
}

export interface ExecuteContext {
  api: DiscordApi;
  manifest: Manifest;
  /** Where writes may go; every change is checked against it before its first request. */
  scope: WriteScope;
  defaultReason: string;
  /** Aborts requests in flight (a second Ctrl-C). */
  signal?: AbortSignal;
  /** Stops sending further attempts; requests on the wire finish (the first Ctrl-C). */
  interrupt?: AbortSignal;
}

/**
 * Performs the writes a change stands for, after checking it against the write scope.
 * Throws the client's error on failure.
 */
export async function executeChange(change: Change, ctx: ExecuteContext): Promise<ChangeEffect> {
  assertInScope(change, ctx.scope);
  const write = writeOptions(change, ctx);
  switch (change.action) {
    case 'create':
      return createWebhook(change, ctx, write);
    case 'update':
    case 'move':
    case 'adopt': {
      const webhook = await ctx.api.modifyWebhook(change.webhookId, modifyBody(change.request, ctx.manifest), write);
      return { webhook };
    }
    case 'delete':
      return deleteWebhook(change.webhookId, ctx, write);
    case 'replace':
      return replaceWebhook(change, ctx, write);
    case 'sync_commands':
      await ctx.api.bulkOverwriteGuildCommands(
        change.request.params['application.id'],
        change.guildId,
        change.request.body,
        write,
      );
      return {};
    default:
      return assertNever(change, 'change');
  }
}

function writeOptions(change: Change, ctx: ExecuteContext): WriteOptions {
  return {
    reason: clampReason(('reason' in change && change.reason) || ctx.defaultReason),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.interrupt ? { stopSending: ctx.interrupt } : {}),
  };
}

function modifyBody(request: ModifyRequest, manifest: Manifest) {
  const { name, channel_id, avatar } = request.body;
  const body: { name?: string; channel_id?: string; avatar?: string | null } = {};
  if (name !== undefined) body.name = name;
  if (channel_id !== undefined) body.channel_id = channel_id;
  const resolved = avatarForRequest(manifest, avatar);
  if (resolved !== undefined) body.avatar = resolved;
  return body;
}

async function deleteWebhook(webhookId: string, ctx: ExecuteContext, write: WriteOptions): Promise<ChangeEffect> {
  try {
    await ctx.api.deleteWebhook(webhookId, write);
    return {};
  } catch (error) {
    // Someone (or a lost response of ours) deleted it already: the goal is reached.
    if (isDiscordApiError(error, UNKNOWN_WEBHOOK)) return { alreadyDone: true };
    throw error;
  }
}

/**
 * Create the new webhook, then delete the old one — or the other way round in a full
 * channel. Once the new webhook exists the change has happened for everyone posting to the
 * name; a failed delete of the old one is reported, not thrown, so the caller can say
 * exactly what is left (an owned twin the next apply removes).
 */
async function replaceWebhook(change: ReplaceChange, ctx: ExecuteContext, write: WriteOptions): Promise<ChangeEffect> {
  const create = { ...change, action: 'create' as const, precondition: change.createPrecondition };
  if (change.order === 'delete_first') {
    await deleteWebhook(change.webhookId, ctx, write);
    return createWebhook(create, ctx, write);
  }
  const created = await createWebhook(create, ctx, write);
  try {
    await deleteWebhook(change.webhookId, ctx, write);
    return created;
  } catch (error) {
    return { ...created, oldWebhookError: error };
  }
}

/**
 * A create whose response was lost (timeout, reset, 5xx) may or may not have happened.
 * Re-read the channel before trying again: if an owned webhook with this name is there now
 * that was not there when the plan was read, that is ours, so retrying would duplicate it.
 * An interrupted apply does not try again: the outcome stays unknown and the next apply's
 * read finds the webhook if it exists.
 */
async function createWebhook(change: CreateChange, ctx: ExecuteContext, write: WriteOptions): Promise<ChangeEffect> {
  const body: { name: string; avatar?: string | null } = { name: change.request.body.name };
  const avatar = avatarForRequest(ctx.manifest, change.request.body.avatar);
  if (avatar !== undefined) body.avatar = avatar;
  const maxAttempts = 3;
  for (let attempt = 1; ; attempt++) {
    try {
      const webhook = await ctx.api.createWebhook(change.channelId, body, write);
      ctx.scope.created.set(webhook.id, { guildId: change.guildId, webhook });
      return { webhook };
    } catch (error) {
      if (!isOutcomeUnknown(error) || attempt >= maxAttempts || ctx.interrupt?.aborted) throw error;
      // Back off (with jitter) before re-reading: Discord is struggling, and a create still
      // being processed has a chance to show up in the list instead of being duplicated.
      await sleep(backoffDelay(attempt, CREATE_BACKOFF), undefined, ctx.signal ? { signal: ctx.signal } : {});
      const existing = await ctx.api.getChannelWebhooks(change.channelId, { signal: ctx.signal });
      // Only a webhook that appeared since the live read can be this create: one that was
      // already there (the webhook a rotation replaces, say) is not ours to claim.
      const ours = existing.find(
        (w) => w.name === change.name && w.user?.id === ctx.scope.owner.botId && !ctx.scope.live.has(w.id),
      );
      if (ours) {
        ctx.scope.created.set(ours.id, { guildId: change.guildId, webhook: ours });
        return { webhook: ours, alreadyDone: true };
      }
    }
  }
}

const CREATE_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 2000 };

export function isOutcomeUnknown(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'discord_outcome_unknown';
}

