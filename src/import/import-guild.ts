/**
 * `cordform import`: a guild's live webhooks as a commented manifest that `cordform plan`
 * shows no changes for. Reads the bot, the guild's webhooks (one list request) and, for
 * comments only, its channels; builds the YAML with `importManifest` (pure).
 */
import type { DiscordApi } from '../discord/api.js';
import { CATEGORY_CHANNEL } from '../discord/channel-names.js';
import { DiscordApiError } from '../discord/discord-api-error.js';
import { readGuildWebhooks } from '../live/read-live-state.js';
import type { APIChannel } from '../discord/types.js';
import { CordformError } from '../errors.js';
import type { Redactor } from '../redact.js';
import { importManifest, type ImportSummary } from './import-manifest.js';

export interface ImportGuildOptions {
  api: DiscordApi;
  guildId: string;
  /** Only webhooks in these channels (the guild then gets `prune: false`). */
  channelIds?: string[];
  /** Also pin webhooks the bot did not create (`id:`). */
  includeForeign?: boolean;
  /** The command line recorded in the manifest's header comment. */
  command?: string;
  signal?: AbortSignal;
  /** Webhook tokens seen in the list are registered here (they never reach the YAML). */
  redactor?: Redactor;
}

export interface ImportedGuild {
  yaml: string;
  summary: ImportSummary;
}

export async function importGuild(options: ImportGuildOptions): Promise<ImportedGuild> {
  const { api, guildId } = options;
  const channelIds = options.channelIds ?? [];
  const read = options.signal ? { signal: options.signal } : {};
  const bot = await api.getCurrentUser(read);
  const webhooks = await readGuildWebhooks(api, { id: guildId }, read);
  for (const webhook of webhooks) options.redactor?.add(webhook.token);
  const channels = await readChannelsForComments(api, guildId, read);
  if (channels !== null) refuseUnknownChannels(channelIds, channels, guildId);
  return importManifest({
    guildId,
    bot,
    applicationId: bot.id,
    webhooks,
    channels,
    channelIds,
    includeForeign: options.includeForeign ?? false,
    command: options.command ?? 'cordform import',
  });
}

/** Channel names are only for comments: without permission to list channels, import goes on. */
async function readChannelsForComments(api: DiscordApi, guildId: string, read: { signal?: AbortSignal }): Promise<APIChannel[] | null> {
  try {
    return await api.getGuildChannels(guildId, read);
  } catch (error) {
    if (error instanceof DiscordApiError && error.status < 500) return null;
    throw error;
  }
}

/**
 * A typo in --channel would otherwise import nothing and write an empty manifest; with
 * `prune: false` that is harmless, but it is never what was meant.
 */
function refuseUnknownChannels(channelIds: string[], channels: APIChannel[], guildId: string): void {
  const known = new Set(channels.map((channel) => channel.id));
  const unknown = channelIds.filter((id) => !known.has(id));
  if (unknown.length === 0) return;
  const listed = [...channels]
    .filter((channel) => channel.type !== CATEGORY_CHANNEL)
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
    .map((channel) => `  #${channel.name ?? '?'} (${channel.id})`);
  throw new CordformError(
    'channel_unknown',
    `--channel ${unknown.join(', ')}: no such channel in guild ${guildId}; nothing was written. The guild's channels:\n${listed.join('\n')}`,
    { details: { unknown, guildId } },
  );
}
