import { access, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { apiBaseFromEnv } from '../../discord/api-base.js';
import { DiscordApiError } from '../../discord/discord-api-error.js';
import { readGuildWebhooks } from '../../discord/read-live-state.js';
import { DiscordRestClient } from '../../discord/rest-client.js';
import { snowflake } from '../../discord/routes.js';
import type { APIChannel } from '../../discord/types.js';
import { CordformError } from '../../errors.js';
import { importManifest, type ImportSummary } from '../../manifest/import-manifest.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';

const HELP = `Usage: cordform import --guild ID [--channel ID]... [--out FILE] [--all]

Reads the guild's live webhooks and writes a commented manifest that \`cordform plan\`
shows no changes for. Needs DISCORD_BOT_TOKEN (and CORDFORM_API_BASE for a sandbox).

Options:
      --guild ID      the guild to import (required)
      --channel ID    only webhooks in these channels (repeatable; the guild then gets
                      prune: false so apply keeps the owned webhooks left out)
      --out FILE      write the manifest to FILE (default: stdout); refuses to overwrite
      --force         overwrite FILE
      --all           also pin webhooks the bot did not create (id:), adopting them as
                      they are; by default those are listed in a comment and left out
`;

/** The environment variable the imported manifest (and this command) read the bot token from. */
export const TOKEN_ENV = 'DISCORD_BOT_TOKEN';

/** Discord's GUILD_CATEGORY channel type: not a place for webhooks, so not listed. */
const CATEGORY_CHANNEL = 4;

export async function runImport(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('import', args, {
    guild: { type: 'string' },
    channel: { type: 'string', multiple: true },
    out: { type: 'string' },
    force: { type: 'boolean' },
    all: { type: 'boolean' },
  });
  if (values.help) return void io.out(HELP), 0;
  if (values.guild === undefined) throw new CordformError('cli_usage', 'import: --guild ID is required');
  const guildId = snowflake(values.guild, '--guild');
  const channelIds = (values.channel ?? []).map((id) => snowflake(id, '--channel'));
  const token = io.env[TOKEN_ENV];
  if (token === undefined || token === '') {
    throw new CordformError('env_missing', `import reads the bot token from ${TOKEN_ENV}, which is not set`);
  }
  const outPath = values.out === undefined ? undefined : resolve(io.cwd, values.out);
  if (outPath !== undefined && !values.force && (await exists(outPath))) {
    throw new CordformError('import_out_exists', `${values.out} already exists; pass --force to overwrite it`);
  }

  io.redactor.add(token);
  const apiBase = apiBaseFromEnv(io.env);
  const client = new DiscordRestClient({ apiBase, token });
  try {
    const read = { signal: io.signal };
    const bot = await client.getCurrentUser(read);
    const webhooks = await readGuildWebhooks(client, { id: guildId }, read);
    for (const webhook of webhooks) if (webhook.token) io.redactor.add(webhook.token);
    const channels = await readChannelsForComments(client, guildId, read);
    if (channels !== null) refuseUnknownChannels(channelIds, channels, guildId);
    const { yaml, summary } = importManifest({
      guildId,
      bot,
      applicationId: bot.id,
      webhooks,
      channels,
      channelIds,
      includeForeign: values.all ?? false,
      command: ['cordform import', ...args].join(' '),
    });
    if (outPath === undefined) {
      io.out(yaml);
      io.err(`${summaryLine(summary)}\n`);
    } else {
      await writeFile(outPath, yaml);
      io.out(`Wrote ${values.out}: ${summaryLine(summary)}\nNext: cordform validate -f ${values.out} && cordform plan -f ${values.out}\n`);
    }
    return 0;
  } finally {
    await client.close();
  }
}

/** Channel names are only for comments: without permission to list channels, import goes on. */
async function readChannelsForComments(client: DiscordRestClient, guildId: string, read: { signal: AbortSignal }) {
  try {
    return await client.getGuildChannels(guildId, read);
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

function summaryLine(summary: ImportSummary): string {
  const parts = [`${summary.owned} owned webhook(s) declared`, `${summary.pinned} pinned`];
  if (summary.foreignLeftOut > 0) parts.push(`${summary.foreignLeftOut} not created by this bot left out (--all pins them)`);
  if (summary.unmanageable > 0) parts.push(`${summary.unmanageable} channel-follower/application left out`);
  if (summary.ownedLeftOut > 0) parts.push(`${summary.ownedLeftOut} owned left out (prune: false)`);
  return `${parts.join(', ')}.`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
