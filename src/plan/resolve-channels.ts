/**
 * Channels written by name (`channel: "#deploys"`, or `"ops/#deploys"` when two channels
 * share a name) are looked up in the guild's channel list — read once per guild that uses
 * names — before anything is matched. A name that matches no channel, or several, is a
 * blocker that lists the candidates; so a channel renamed in Discord shows up as a blocker,
 * never as a silent move. Pure: returns copies, never mutates the manifest.
 */
import { CATEGORY_CHANNEL, categoryNames, channelLabel, channelsNamed } from '../discord/channel-names.js';
import type { APIChannel } from '../discord/types.js';
import { editDistance } from '../manifest/did-you-mean.js';
import type { ChannelNameRef, GuildDeclaration, Manifest, WebhookDeclaration } from '../manifest/types.js';
import { liveGuildsById, type LiveGuild, type LiveState } from '../live/live-state.js';
import { slotKey } from './ownership.js';
import type { Blocker } from './plan-types.js';
import { compareText } from './sort.js';

export interface ResolvedChannels {
  /** The manifest with every channel an id (unresolved declarations left out). */
  manifest: Manifest;
  blockers: Blocker[];
}

export function usesChannelNames(guild: GuildDeclaration): boolean {
  return guild.webhooks.some((declaration) => declaration.channelName !== undefined);
}

export function resolveChannelNames(manifest: Manifest, live: LiveState): ResolvedChannels {
  if (!manifest.guilds.some(usesChannelNames)) return { manifest, blockers: [] };
  const blockers: Blocker[] = [];
  const liveGuilds = liveGuildsById(live);
  const guilds = manifest.guilds.map((guild) => {
    if (!usesChannelNames(guild)) return guild;
    const liveGuild = liveGuilds.get(guild.id);
    const webhooks: WebhookDeclaration[] = [];
    for (const declaration of guild.webhooks) {
      if (declaration.channelName === undefined) {
        webhooks.push(declaration);
        continue;
      }
      const resolved = resolveOne(declaration, declaration.channelName, liveGuild);
      if (typeof resolved === 'string') webhooks.push({ ...declaration, channel: resolved });
      else blockers.push(resolved);
    }
    // While a declaration cannot be placed, its webhook cannot be told from an undeclared
    // one: prune nothing in that guild rather than plan to delete it.
    const unresolved = webhooks.length < guild.webhooks.length;
    return { ...guild, webhooks, prune: guild.prune && !unresolved };
  });
  return { manifest: { ...manifest, guilds: guilds.map((guild) => withoutDoubles(guild, blockers)) }, blockers };
}

/** Two declarations that land on one (channel, name) — `#deploys` and its id, say — block, and neither is planned. */
function withoutDoubles(guild: GuildDeclaration, blockers: Blocker[]): GuildDeclaration {
  const bySlot = new Map<string, WebhookDeclaration[]>();
  for (const d of guild.webhooks) {
    const slot = slotKey(d.channel, d.name);
    bySlot.set(slot, [...(bySlot.get(slot) ?? []), d]);
  }
  const doubles = [...bySlot.values()].filter((group) => group.length > 1);
  if (doubles.length === 0) return guild;
  for (const group of doubles) {
    const places = group.map((d) => `${d.channelName?.written ?? d.channel}${d.location ? ` at ${d.location.file}:${d.location.line}:${d.location.column}` : ''}`);
    for (const d of group) {
      blockers.push({
        code: 'double_claim',
        message: `"${d.name}" is declared twice in channel ${d.channel} (${places.join(' and ')}); declare it once`,
        guildId: d.guildId,
        key: d.key,
        location: d.location,
      });
    }
  }
  const doubled = new Set(doubles.flat());
  return { ...guild, webhooks: guild.webhooks.filter((d) => !doubled.has(d)), prune: false };
}

function resolveOne(declaration: WebhookDeclaration, ref: ChannelNameRef, live: LiveGuild | undefined): string | Blocker {
  const base = { guildId: declaration.guildId, key: declaration.key, location: declaration.location };
  // A guild that was not read at all already has its own blocker (guild_not_read).
  if (live === undefined || live.channels === null) {
    return { code: 'channel_name_missing', message: `"${declaration.name}": the channels of guild ${declaration.guildId} were not read, so ${ref.written} cannot be looked up`, ...base };
  }
  const categories = categoryNames(live.channels);
  const channels = live.channels.filter((c) => c.type !== CATEGORY_CHANNEL);
  const label = (c: APIChannel) => channelLabel(c, categories);
  const named = channelsNamed(live.channels, { name: ref.name });
  const found = ref.category === undefined ? named : channelsNamed(live.channels, { name: ref.name, category: ref.category });
  if (found.length === 1) return found[0]!.id;
  if (found.length > 1) {
    const listed = found.map((c) => `${label(c)} (${c.id})`).join(', ');
    return {
      code: 'channel_name_ambiguous',
      message: `"${declaration.name}": ${ref.written} names ${found.length} channels in guild ${declaration.guildId}: ${listed}; write "category/#name" or the channel's id`,
      ...base,
    };
  }
  const nearest = nearestChannels(ref, channels, label);
  const hint = nearest.length === 0 ? '' : `; channels with a similar name: ${nearest.join(', ')}`;
  const renamed = named.length > 0 ? ` (a channel named #${ref.name} exists in another category: ${named.map(label).join(', ')})` : '';
  return {
    code: 'channel_name_missing',
    message: `"${declaration.name}": no channel ${ref.written} in guild ${declaration.guildId}${renamed}${hint}. Was it renamed in Discord? Fix the name or write the channel's id`,
    ...base,
  };
}

function nearestChannels(ref: ChannelNameRef, channels: readonly APIChannel[], label: (c: APIChannel) => string): string[] {
  return channels
    .map((c) => ({ c, distance: editDistance(ref.name.toLowerCase(), (c.name ?? '').toLowerCase()) }))
    .filter(({ c, distance }) => distance <= Math.max(2, Math.floor(ref.name.length / 3)) || (c.name ?? '').includes(ref.name))
    .sort((a, b) => a.distance - b.distance || compareText(label(a.c), label(b.c)))
    .slice(0, 3)
    .map(({ c }) => `${label(c)} (${c.id})`);
}
