/**
 * The last line of defence: whatever change a caller hands the executor — a fresh plan, a
 * saved one, a forged one — it writes only where the manifest and Discord's live state say
 * cordform may. The planner already keeps to these rules; this makes them hold even when
 * the plan did not come from the planner.
 *
 * - every write is in a guild the manifest declares;
 * - a webhook is created, or modified into, only a (channel, name) that guild declares;
 * - an existing webhook is modified only when the bot owns it (its creator is the bot) or
 *   the manifest pins its id in that guild, and deleted only when the bot owns it;
 * - slash commands are written only for a declared guild that declares commands, as this
 *   bot's application.
 */
import type { APIWebhook } from '../discord/types.js';
import { assertNever, CordformError } from '../errors.js';
import type { GuildDeclaration, Manifest } from '../manifest/types.js';
import { classifyWebhook, slotKey, type Change, type LiveState, type Owner } from '../plan/index.js';
import { resolveChannelNames } from '../plan/resolve-channels.js';

export interface WriteScope {
  owner: Owner;
  guilds: ReadonlyMap<string, GuildDeclaration>;
  /** guild → `channel\nname` of every declaration. */
  declared: ReadonlyMap<string, ReadonlySet<string>>;
  /** guild → webhook ids pinned with `id:`. */
  pinned: ReadonlyMap<string, ReadonlySet<string>>;
  /** Live webhooks of the declared guilds by id, with the guild they were read in. */
  live: ReadonlyMap<string, { guildId: string; webhook: APIWebhook }>;
  /** Webhooks this apply created: the bot's by construction, though not in the live read. */
  created: Map<string, { guildId: string; webhook: APIWebhook }>;
}

export function buildWriteScope(written: Manifest, live: LiveState): WriteScope {
  // Channels written by name count as the ids they resolve to; unresolvable ones allow nothing.
  const manifest = resolveChannelNames(written, live).manifest;
  const guilds = new Map(manifest.guilds.map((guild) => [guild.id, guild]));
  const declared = new Map<string, Set<string>>();
  const pinned = new Map<string, Set<string>>();
  for (const guild of manifest.guilds) {
    declared.set(guild.id, new Set(guild.webhooks.map((d) => slotKey(d.channel, d.name))));
    pinned.set(guild.id, new Set(guild.webhooks.flatMap((d) => (d.id === undefined ? [] : [d.id]))));
  }
  const webhooks = new Map<string, { guildId: string; webhook: APIWebhook }>();
  for (const liveGuild of live.guilds) {
    if (!guilds.has(liveGuild.guildId)) continue;
    for (const webhook of liveGuild.webhooks) webhooks.set(webhook.id, { guildId: liveGuild.guildId, webhook });
  }
  return {
    owner: { botId: live.bot.id, applicationId: live.applicationId },
    guilds,
    declared,
    pinned,
    live: webhooks,
    created: new Map(),
  };
}

/** Throws `write_out_of_scope` (nothing written) when the change reaches outside the manifest. */
export function assertInScope(change: Change, scope: WriteScope): void {
  const problem = scopeProblem(change, scope);
  if (problem !== null) {
    throw new CordformError('write_out_of_scope', `refused ${change.action} ${change.key}: ${problem}; nothing was written for it`, {
      fault: 'user',
      details: { action: change.action, key: change.key, guildId: change.guildId },
    });
  }
}

function scopeProblem(change: Change, scope: WriteScope): string | null {
  const guild = scope.guilds.get(change.guildId);
  if (guild === undefined) return `guild ${change.guildId} is not declared in the manifest`;
  switch (change.action) {
    case 'create':
      return requestMatches(change.request.params['channel.id'], change.request.body.name, change) ?? declaredSlot(scope, change.guildId, change.channelId, change.name);
    case 'update':
    case 'move':
    case 'adopt': {
      const existing = targetedWebhook(scope, change, change.request.params['webhook.id']);
      if (typeof existing === 'string') return existing;
      const mayModify = isOwned(existing, scope) || scope.pinned.get(change.guildId)?.has(change.webhookId) === true;
      if (!mayModify) return `webhook ${change.webhookId} was not created by this bot and the manifest does not pin it with id:`;
      const channel = change.request.body.channel_id ?? existing.channel_id ?? '';
      const name = change.request.body.name ?? existing.name ?? '';
      return declaredSlot(scope, change.guildId, channel, name);
    }
    case 'delete':
      return deletableProblem(scope, change, change.request.params['webhook.id']);
    case 'replace':
      return (
        deletableProblem(scope, change, change.deleteRequest.params['webhook.id']) ??
        requestMatches(change.request.params['channel.id'], change.request.body.name, change) ??
        declaredSlot(scope, change.guildId, change.channelId, change.name)
      );
    case 'sync_commands':
      if (guild.commands.length === 0) return `guild ${change.guildId} declares no commands`;
      if (change.request.params['guild.id'] !== change.guildId) return 'the request targets another guild than the change';
      if (change.request.params['application.id'] !== scope.owner.applicationId) {
        return `application ${change.request.params['application.id']} is not this bot's application (${scope.owner.applicationId})`;
      }
      return null;
    default:
      return assertNever(change, 'change');
  }
}

function declaredSlot(scope: WriteScope, guildId: string, channel: string, name: string): string | null {
  return scope.declared.get(guildId)?.has(slotKey(channel, name))
    ? null
    : `the manifest declares no webhook "${name}" in channel ${channel} of guild ${guildId}`;
}

function requestMatches(channel: string, name: string, change: { channelId: string; name: string }): string | null {
  return channel === change.channelId && name === change.name ? null : 'the request does not match the change it belongs to';
}

/** The live webhook a change names, provided its request writes to that same webhook; else why not. */
function targetedWebhook(scope: WriteScope, change: Change & { webhookId: string }, requestedId: string | undefined): APIWebhook | string {
  const existing = existingWebhook(scope, change.webhookId, change.guildId);
  if (typeof existing === 'string') return existing;
  return requestedId === change.webhookId ? existing : 'the request targets another webhook than the change';
}

/** Only webhooks the bot created are ever deleted. */
function deletableProblem(scope: WriteScope, change: Change & { webhookId: string }, requestedId: string | undefined): string | null {
  const existing = targetedWebhook(scope, change, requestedId);
  if (typeof existing === 'string') return existing;
  return isOwned(existing, scope) ? null : `webhook ${change.webhookId} was not created by this bot; cordform never deletes it`;
}

function existingWebhook(scope: WriteScope, webhookId: string, guildId: string): APIWebhook | string {
  const found = scope.live.get(webhookId) ?? scope.created.get(webhookId);
  if (found === undefined) return `webhook ${webhookId} is not among the webhooks read from the declared guilds`;
  if (found.guildId !== guildId) return `webhook ${webhookId} belongs to guild ${found.guildId}, not ${guildId}`;
  return found.webhook;
}

function isOwned(webhook: APIWebhook, scope: WriteScope): boolean {
  return classifyWebhook(webhook, scope.owner) === 'managed';
}
