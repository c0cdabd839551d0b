/**
 * The names a plan shows next to ids — `#deploys (100000000000000003)`, grouped under the
 * guild's name — so a reviewer reads channels, not 18-digit ids. Only names Discord already
 * told: the channel lists and guild objects read for guilds with changes. Pure.
 */
import type { LiveState } from '../live/live-state.js';
import type { Plan, PlanNames } from './plan-types.js';
import { categoryNames, channelLabel } from '../discord/channel-names.js';

export function planNames(plan: Pick<Plan, 'changes'>, live: LiveState): PlanNames {
  const mentioned = new Set<string>();
  const guildIds = new Set<string>();
  for (const change of plan.changes) {
    guildIds.add(change.guildId);
    if (change.channelId !== null) mentioned.add(change.channelId);
    const from = change.fields.channel_id?.from;
    if (typeof from === 'string') mentioned.add(from);
  }
  const names: PlanNames = { guilds: {}, channels: {} };
  for (const guild of live.guilds) {
    if (!guildIds.has(guild.guildId)) continue;
    if (guild.name) names.guilds[guild.guildId] = guild.name;
    if (guild.channels === null) continue;
    const categories = categoryNames(guild.channels);
    for (const channel of guild.channels) {
      if (mentioned.has(channel.id) && channel.name !== undefined) names.channels[channel.id] = channelLabel(channel, categories);
    }
  }
  return names;
}
