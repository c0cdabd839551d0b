import { setTimeout as sleep } from 'node:timers/promises';
import { assertNever } from '../errors.js';
import type { DiscordApi } from '../discord/api.js';
import { backoffDelay, type BackoffOptions } from '../discord/retry.js';
import type { APIWebhook } from '../discord/types.js';
import type { Manifest } from '../manifest/types.js';
import type { Change, CreateChange, ModifyRequest } from '../plan/plan-types.js';
import { clampReason } from './audit-reason.js';
import { avatarForRequest } from './resolve-avatar.js';

/** What one executed change produced (the created/updated webhook, if any). */
export interface ChangeEffect {
  webhook?: APIWebhook;
  /** True when the write turned out to be done already (a DELETE answered 404, a recovered create). */
  alreadyDone?: boolean;
}

export interface ExecuteContext {
  api: DiscordApi;
  manifest: Manifest;
  botId: string;
  defaultReason: string;
  signal?: AbortSignal;
}

const UNKNOWN_WEBHOOK = 10015;

/** Performs the one write a change stands for. Throws the client's error on failure. */
export async function executeChange(change: Change, ctx: ExecuteContext): Promise<ChangeEffect> {
  const write = { reason: clampReason(reasonFor(change, ctx)), signal: ctx.signal };
  switch (change.action) {
    case 'create':
      return createWebhook(change, ctx, write);
    case 'update':
    case 'move':
    case 'adopt': {
      const webhook = await ctx.api.modifyWebhook(
        change.webhookId,
        modifyBody(change.request, ctx.manifest),
        write,
      );
      return { webhook };
    }
    case 'delete':
      try {
        await ctx.api.deleteWebhook(change.webhookId, write);
        return {};
      } catch (error) {
        // Someone (or a lost response of ours) deleted it already: the goal is reached.
        if (discordCodeOf(error) === UNKNOWN_WEBHOOK) return { alreadyDone: true };
        throw error;
      }
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

function reasonFor(change: Change, ctx: ExecuteContext): string {
  return ('reason' in change && change.reason) || ctx.defaultReason;
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

/**
 * A create whose response was lost (timeout, reset, 5xx) may or may not have happened.
 * Re-read the channel before trying again: if an owned webhook with this name is there now,
 * that is ours (the plan's precondition said none existed), so retrying would duplicate it.
 */
async function createWebhook(
  change: CreateChange,
  ctx: ExecuteContext,
  write: { reason: string; signal?: AbortSignal },
): Promise<ChangeEffect> {
  const body: { name: string; avatar?: string | null } = { name: change.request.body.name };
  const avatar = avatarForRequest(ctx.manifest, change.request.body.avatar);
  if (avatar !== undefined) body.avatar = avatar;
  const maxAttempts = 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return { webhook: await ctx.api.createWebhook(change.channelId, body, write) };
    } catch (error) {
      if (!isOutcomeUnknown(error) || attempt >= maxAttempts) throw error;
      // Back off (with jitter) before re-reading: Discord is struggling, and a create still
      // being processed has a chance to show up in the list instead of being duplicated.
      await sleep(backoffDelay(attempt, CREATE_BACKOFF), undefined, ctx.signal ? { signal: ctx.signal } : {});
      const existing = await ctx.api.getChannelWebhooks(change.channelId, { signal: ctx.signal });
      const ours = existing.find((w) => w.name === change.name && w.user?.id === ctx.botId);
      if (ours) return { webhook: ours, alreadyDone: true };
    }
  }
}

const CREATE_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 2000 };

function isOutcomeUnknown(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'discord_outcome_unknown';
}

function discordCodeOf(error: unknown): number | undefined {
  const code = (error as { discordCode?: unknown } | null)?.discordCode;
  return typeof code === 'number' ? code : undefined;
}
