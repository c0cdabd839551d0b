import { access, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createClient } from '../../api/client.js';
import { snowflake } from '../../discord/routes.js';
import { CordformError } from '../../errors.js';
import { importGuild } from '../../import/import-guild.js';
import type { ImportSummary } from '../../import/import-manifest.js';
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

  const client = createClient(token, { env: io.env, redactor: io.redactor });
  try {
    const { yaml, summary } = await importGuild({
      api: client,
      guildId,
      channelIds,
      includeForeign: values.all ?? false,
      command: ['cordform import', ...args].join(' '),
      signal: io.signal,
      redactor: io.redactor,
    });
    if (outPath === undefined) {
      io.out(yaml);
      io.err(`${importSummaryLine(summary)}\n`);
    } else {
      await writeFile(outPath, yaml);
      io.out(`Wrote ${values.out}: ${importSummaryLine(summary)}\nNext: cordform validate -f ${values.out} && cordform plan -f ${values.out}\n`);
    }
    return 0;
  } finally {
    await client.close();
  }
}

function importSummaryLine(summary: ImportSummary): string {
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
