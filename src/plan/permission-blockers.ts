/**
 * Permission preflight: a plan that writes into a channel where the bot lacks
 * MANAGE_WEBHOOKS or VIEW_CHANNEL would fail half-way with 403 50013; it is blocked
 * instead, naming the channel and the manifest line. Discord checks MANAGE_WEBHOOKS in the
 * channel a webhook is in for PATCH/DELETE /webhooks/{id}, in the target channel for a move
 * and for POST /channels/{id}/webhooks
 * (https://discord.com/developers/docs/resources/webhook). The permissions come from the one
 * implementation of Discord's algorithm, src/discord/permissions.ts, which the sandbox's
 * 403 answers use too. Pure: the facts were read beforehand (see read-live-state.ts).
 */
import {
  computePermissions,
  guildPermissionFacts,
  missingPermissionNames,
  type PermissionName,
} from '../discord/permissions.js';
import type { APIChannel } from '../discord/types.js';
import { assertNever } from '../errors.js';
import type { GuildDeclaration } from '../manifest/types.js';
import type { LiveGuild } from '../live/live-state.js';
import type { Blocker, Change, WebhookChange } from './plan-types.js';

/** What managing a channel's webhooks takes (VIEW_CHANNEL: Discord answers 50001 without it). */
export const REQUIRED_CHANNEL_PERMISSIONS: readonly PermissionName[] = ['VIEW_CHANNEL', 'MANAGE_WEBHOOKS'];

export function permissionBlockers(
  guild: GuildDeclaration,
  live: LiveGuild,
  changes: readonly Change[],
  botId: string,
): Blocker[] {
  if (!live.permissions || live.channels === null) return [];
  const facts = guildPermissionFacts(live.permissions.guild);
  const member = { userId: botId, roles: live.permissions.member.roles };
  const channels = new Map(live.channels.map((channel) => [channel.id, channel]));
  const blockers: Blocker[] = [];
  for (const change of changes) {
    if (change.action === 'sync_commands') continue;
    for (const { channelId, purpose } of channelsWritten(change)) {
      const channel = channels.get(channelId);
      // A channel missing from the list is reported by channelBlockers (declared) or cannot be judged.
      if (channel === undefined) continue;
      const missing = missingPermissionNames(computePermissions(facts, member, channel.permission_overwrites ?? []), REQUIRED_CHANNEL_PERMISSIONS);
      if (missing.length === 0) continue;
      blockers.push({
        code: 'missing_permissions',
        message: `"${change.name}": the bot lacks ${missing.join(' and ')} in ${describeChannel(channel)}, needed to ${purpose}`,
        guildId: guild.id,
        key: change.key,
        location: change.location ?? guild.location,
      });
    }
  }
  return blockers;
}

interface ChannelWrite {
  channelId: string;
  purpose: string;
}

/** The channels whose MANAGE_WEBHOOKS a change's request needs. */
function channelsWritten(change: WebhookChange): ChannelWrite[] {
  switch (change.action) {
    case 'create':
      return [{ channelId: change.channelId, purpose: 'create the webhook' }];
    case 'update':
    case 'adopt':
      return [{ channelId: change.precondition.channel_id ?? change.channelId, purpose: `${change.action} the webhook` }];
    case 'delete':
      return [{ channelId: change.precondition.channel_id ?? change.channelId, purpose: 'delete the webhook' }];
    case 'replace': {
      const from = change.precondition.channel_id;
      return [
        { channelId: change.channelId, purpose: 'create the replacement webhook' },
        ...(from === null || from === change.channelId ? [] : [{ channelId: from, purpose: 'delete the webhook it replaces' }]),
      ];
    }
    case 'move': {
      const from = change.precondition.channel_id;
      return [
        ...(from === null ? [] : [{ channelId: from, purpose: 'move the webhook out of it' }]),
        { channelId: change.channelId, purpose: 'move the webhook into it' },
      ];
    }
    default:
      return assertNever(change, 'webhook change');
  }
}

function describeChannel(channel: APIChannel): string {
  return channel.name === undefined ? `channel ${channel.id}` : `#${channel.name} (channel ${channel.id})`;
}
