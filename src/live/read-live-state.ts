import { CordformError } from '../errors.js';
import type { GuildDeclaration, Manifest } from '../manifest/types.js';
import type { LiveGuild, LiveState } from './live-state.js';
import type { DiscordApi } from '../discord/api.js';
import { DiscordApiError } from '../discord/discord-api-error.js';
import type { APIWebhook } from '../discord/types.js';

/**
 * Reads what the planner needs from Discord with as few requests as possible:
 * `GET /users/@me` once, then per declared guild (in parallel) exactly one
 * `GET /guilds/{id}/webhooks` — never one request per channel.
 *
 * Two reads are conditional so that a converged plan stays at guilds + 1 requests:
 * - `GET /guilds/{id}/channels` only when a declared channel is not already proven to exist
 *   by a live webhook in it (the preflight for "channel does not exist" blockers);
 * - `GET /applications/{app}/guilds/{id}/commands` only when the guild declares commands.
 *
 * The permission facts (`readPermissionFacts`) are a second phase, read only for guilds
 * whose first plan has webhook changes.
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
  // The bot user and every guild's webhooks are read at once: one round trip instead of two
  // (on Discord that is 50–150 ms). Only the commands read needs the application id first.
  const botRead = api.getCurrentUser(read);
  const applicationIdRead = manifest.discord.applicationId !== undefined ? Promise.resolve(manifest.discord.applicationId) : botRead.then((bot) => bot.id);
  applicationIdRead.catch(() => {}); // its failure is botRead's, reported below
  const guildsRead = Promise.all(
    manifest.guilds.map(async (guild): Promise<LiveGuild> => {
      const webhooks = await readGuildWebhooks(api, guild, read);
      const needsChannels = needsChannelList(guild, webhooks);
      const needsCommands = guild.commands.length > 0;
      const [channels, commands] = await Promise.all([
        needsChannels ? api.getGuildChannels(guild.id, read) : Promise.resolve(null),
        needsCommands ? applicationIdRead.then((applicationId) => api.getGuildCommands(applicationId, guild.id, read)) : Promise.resolve(null),
      ]);
      return { guildId: guild.id, webhooks, channels, commands };
    }),
  );
  // Settle both before throwing, so no read is left running unobserved; a failure of the bot
  // read (a refused token) is the one to report.
  const [bot, guilds] = await Promise.allSettled([botRead, guildsRead]);
  if (bot.status === 'rejected') throw bot.reason;
  if (guilds.status === 'rejected') throw guilds.reason;
  return { bot: bot.value, applicationId: await applicationIdRead, guilds: guilds.value };
}

/**
 * A channel written by name is looked up in the channel list; one written as an id only
 * needs proving once, by a live webhook in it. Stops reading the guild's (up to 1000)
 * webhooks as soon as every declared channel is proven.
 */
function needsChannelList(guild: GuildDeclaration, webhooks: readonly APIWebhook[]): boolean {
  if (guild.webhooks.some((declared) => declared.channelName !== undefined)) return true;
  const unproven = new Set(guild.webhooks.map((declared) => declared.channel));
  for (const webhook of webhooks) {
    if (unproven.size === 0) break;
    if (webhook.channel_id !== null) unproven.delete(webhook.channel_id);
  }
  return unproven.size > 0;
}

/**
 * Second phase: for the given guilds, what the bot's channel permissions are computed from —
 * `GET /guilds/{id}` (owner, roles), `GET /guilds/{id}/members/{bot.id}` (the bot's roles)
 * and `GET /guilds/{id}/channels` (overwrites) when the first phase did not read it.
 * Returns a new LiveState; the given one is not mutated.
 */
export async function readPermissionFacts(
  live: LiveState,
  guildIds: ReadonlySet<string>,
  api: DiscordApi,
  options: ReadLiveStateOptions = {},
): Promise<LiveState> {
  const read = { signal: options.signal };
  const guilds = await Promise.all(
    live.guilds.map(async (liveGuild): Promise<LiveGuild> => {
      if (!guildIds.has(liveGuild.guildId)) return liveGuild;
      const [guild, member, channels] = await Promise.all([
        api.getGuild(liveGuild.guildId, read),
        api.getGuildMember(liveGuild.guildId, live.bot.id, read),
        liveGuild.channels ?? api.getGuildChannels(liveGuild.guildId, read),
      ]);
      return {
        ...liveGuild,
        channels,
        name: guild.name,
        permissions: { guild: { id: guild.id, owner_id: guild.owner_id, roles: guild.roles }, member: { roles: member.roles } },
      };
    }),
  );
  return { ...live, guilds };
}

/** What an error about a guild names: its id, and its label and manifest line when declared. */
export interface GuildRef {
  id: string;
  name?: string;
  location?: GuildDeclaration['location'];
}

/** The one list request per guild; Discord's 403/404 become an error that names the guild and the fix. */
export async function readGuildWebhooks(api: DiscordApi, guild: GuildRef, read: ReadLiveStateOptions = {}) {
  try {
    return await api.getGuildWebhooks(guild.id, read);
  } catch (error) {
    throw explainGuildReadError(error, guild) ?? error;
  }
}

function explainGuildReadError(error: unknown, guild: GuildRef): CordformError | null {
  if (!(error instanceof DiscordApiError)) return null;
  const label = guild.name === undefined ? `guild ${guild.id}` : `guild ${guild.id} (${guild.name})`;
  const options = {
    fault: 'user' as const,
    ...(guild.location === undefined ? {} : { location: guild.location }),
    details: { guildId: guild.id, status: error.status, discordCode: error.discordCode ?? null },
    cause: error,
  };
  if (error.status === 403 && error.discordCode === 50013) {
    return new CordformError(
      'guild_missing_permissions',
      `cannot read the webhooks of ${label}: the bot lacks MANAGE_WEBHOOKS in that guild (Discord answered 403 50013 Missing Permissions). Give one of the bot's roles "Manage Webhooks", then try again.`,
      options,
    );
  }
  if (error.status === 403 || (error.status === 404 && error.discordCode === 10004)) {
    const answer = [error.status, error.discordCode, error.discordMessage].filter((part) => part !== undefined).join(' ');
    return new CordformError(
      'guild_not_accessible',
      `cannot read the webhooks of ${label}: the bot is not a member of that guild or cannot access it (Discord answered ${answer}). Invite the bot or fix the guild id.`,
      options,
    );
  }
  return null;
}
