/**
 * Preflight checks that make `apply` refuse to start rather than half-apply.
 * Each blocker carries the manifest location a user has to edit.
 */
import type { APIChannel } from '../discord/types.js';
import type { GuildDeclaration, WebhookDeclaration } from '../manifest/types.js';
import {
  CHANNEL_WEBHOOK_LIMIT,
  GUILD_WEBHOOK_LIMIT,
  channelTraffic,
  countByChannel,
} from './channel-counts.js';
import { CATEGORY_CHANNEL } from '../discord/channel-names.js';
import type { LiveGuild } from '../live/live-state.js';
import type { Blocker, Change } from './plan-types.js';
import { compareText, sortBy } from './sort.js';


export function guildNotReadBlocker(guild: GuildDeclaration): Blocker {
  return {
    code: 'guild_not_read',
    message: `guild ${guild.id} was not read from Discord (is the bot a member with MANAGE_WEBHOOKS?)`,
    guildId: guild.id,
    location: guild.location,
  };
}

/** Declared channels must exist in the guild (only when its channels were read). */
export function channelBlockers(guild: GuildDeclaration, live: LiveGuild): Blocker[] {
  if (live.channels === null) return [];
  const channels = new Map(live.channels.map((c) => [c.id, c]));
  return sortBy(guild.webhooks, (d) => d.key).flatMap((declaration) => channelBlocker(declaration, channels.get(declaration.channel)));
}

function channelBlocker(declaration: WebhookDeclaration, channel: APIChannel | undefined): Blocker[] {
  const base = { guildId: declaration.guildId, key: declaration.key, location: declaration.location };
  if (channel === undefined) {
    const message = `"${declaration.name}": channel ${declaration.channel} does not exist in guild ${declaration.guildId}`;
    return [{ code: 'channel_missing', message, ...base }];
  }
  if (channel.type === CATEGORY_CHANNEL) {
    const message = `"${declaration.name}": channel ${declaration.channel} is a category, which cannot hold webhooks`;
    return [{ code: 'channel_not_webhook_capable', message, ...base }];
  }
  return [];
}

/** Channels that would exceed 15 webhooks, and a guild over 1000, after the plan's changes. */
export function limitBlockers(guild: GuildDeclaration, live: LiveGuild, changes: readonly Change[]): Blocker[] {
  const traffic = channelTraffic(changes);
  const before = countByChannel(live.webhooks, traffic);
  const blockers: Blocker[] = [];
  let added = 0;
  for (const [channel, { incoming, outgoing }] of traffic) {
    added += incoming.length - outgoing;
    const after = (before.get(channel) ?? 0) + incoming.length - outgoing;
    const first = [...incoming].sort((a, b) => compareText(a.key, b.key))[0];
    if (first === undefined || after <= CHANNEL_WEBHOOK_LIMIT) continue;
    blockers.push({
      code: 'channel_limit',
      message: `channel ${channel} would have ${after} webhooks after this plan; Discord allows ${CHANNEL_WEBHOOK_LIMIT} per channel`,
      guildId: guild.id,
      key: first.key,
      ...(first.location === undefined ? {} : { location: first.location }),
    });
  }
  const total = live.webhooks.length + added;
  if (added > 0 && total > GUILD_WEBHOOK_LIMIT) {
    blockers.push({
      code: 'guild_limit',
      message: `guild ${guild.id} would have ${total} webhooks after this plan; Discord allows ${GUILD_WEBHOOK_LIMIT} per guild`,
      guildId: guild.id,
      location: guild.location,
    });
  }
  return blockers;
}
