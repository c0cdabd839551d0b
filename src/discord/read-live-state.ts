import type { Manifest } from '../manifest/types.js';
import type { LiveGuild, LiveState } from '../plan/live-state.js';
import type { DiscordApi } from './api.js';

/**
 * Reads what the planner needs from Discord with as few requests as possible:
 * `GET /users/@me` once, then per declared guild (in parallel) exactly one
 * `GET /guilds/{id}/webhooks` — never one request per channel.
 *
 * Two reads are conditional so that a converged plan stays at guilds + 1 requests:
 * - `GET /guilds/{id}/channels` only when a declared channel is not already proven to exist
 *   by a live webhook in it (the preflight for "channel does not exist" blockers);
 * - `GET /applications/{app}/guilds/{id}/commands` only when the guild declares commands.
 */
export interface ReadLiveStateOptions {
  signal?: AbortSignal;
}

export async function readLiveState(
  manifest: Manifest,
  api: DiscordApi,
  options: ReadLiveStateOptions = {},
): Promise<LiveState> {
  const read = { signal: options.signal };
  const bot = await api.getCurrentUser(read);
  const applicationId = manifest.discord.applicationId ?? bot.id;
  const guilds = await Promise.all(
    manifest.guilds.map(async (guild): Promise<LiveGuild> => {
      const webhooks = await api.getGuildWebhooks(guild.id, read);
      const proven = new Set(webhooks.map((webhook) => webhook.channel_id));
      const needsChannels = guild.webhooks.some((declared) => !proven.has(declared.channel));
      const needsCommands = guild.commands.length > 0;
      const [channels, commands] = await Promise.all([
        needsChannels ? api.getGuildChannels(guild.id, read) : Promise.resolve(null),
        needsCommands ? api.getGuildCommands(applicationId, guild.id, read) : Promise.resolve(null),
      ]);
      return { guildId: guild.id, webhooks, channels, commands };
    }),
  );
  return { bot, applicationId, guilds };
}
