import { createClientFor } from '../../api/client.js';
import { resolveApiBase } from '../../live/api-base.js';
import { declaredUrls, envNames, urlsJson, type WebhookUrl } from '../../api/webhook-urls.js';
import { readLiveState } from '../../live/read-live-state.js';
import { assertNever, CordformError } from '../../errors.js';
import { declarationsFor } from '../../plan/declared-webhooks.js';
import { nearestKeys } from '../../plan/targets.js';
import { parseChoice, parseCommandArgs } from '../args.js';
import { isCi, type CliIo } from '../io.js';
import { loadManifestFor, MANIFEST_FLAGS, manifestFiles } from '../manifest-flags.js';
import { VARIABLE_NEEDS } from '../../manifest/variable-classes.js';

const HELP = `Usage: cordform output [-f FILE]... [KEY...] [--format text|json|env]

Prints the URLs of the manifest's webhooks, read from Discord. This is the one command
that prints webhook tokens (a URL holds its token), to stdout only: store the output as a
secret, never in a log. KEYs are webhook keys (GUILD/CHANNEL/NAME) or names, as --target
takes; without KEYs, every declared webhook.

Exit codes: 0 every requested webhook exists; 1 a KEY is not declared, or a declared
webhook does not exist yet (run apply), or another error.

Formats:
  text   KEY URL, one per line (default). With CI=true it also warns on stderr that the
         job log will hold secrets.
  json   one object, key → URL
  env    NAME=URL lines: NAME is WEBHOOK_ + the webhook name in upper case, other
         characters as _ (Release Notes → WEBHOOK_RELEASE_NOTES); names that collide get
         _CHANNELID appended, then _GUILDID_CHANNELID

Options:
  -f, --file FILE     manifest file or directory (repeatable; default ./cordform.yaml)
      --format FORMAT text (default), json or env
`;

export const OUTPUT_FORMATS = ['text', 'json', 'env'] as const;

export async function runOutput(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('output', args, { ...MANIFEST_FLAGS, format: { type: 'string' } }, true);
  if (values.help) return void io.out(HELP), 0;
  const format = parseChoice('--format', values.format, OUTPUT_FORMATS, 'text');
  const manifest = await loadManifestFor(manifestFiles(values), io, VARIABLE_NEEDS.discord);
  const selected = positionals.length === 0 ? undefined : declarationsFor(positionals, manifest);
  if (selected && selected.unknown.length > 0) throw unknownKeys(selected.unknown, manifest);
  const client = createClientFor(manifest, { env: io.env, redactor: io.redactor });
  try {
    const live = await readLiveState(manifest, client, { signal: io.signal });
    const { urls, missing } = declaredUrls(manifest, live, resolveApiBase(manifest, io.env), selected?.found);
    if (format === 'text' && isCi(io.env) && urls.length > 0) {
      io.err('Warning: cordform output prints webhook URLs with their tokens; in CI the job log now holds these secrets. Prefer --format json into a file or `apply --urls-out`.\n');
    }
    io.revealOut(renderUrls(urls, format));
    if (missing.length > 0) {
      io.err(`Error: ${missing.length} declared webhook(s) do not exist yet (run \`cordform apply\`): ${missing.join(', ')} [webhook_missing]\n`);
      return 1;
    }
    return 0;
  } finally {
    await client.close();
  }
}

function renderUrls(urls: readonly WebhookUrl[], format: (typeof OUTPUT_FORMATS)[number]): string {
  switch (format) {
    case 'text':
      return urls.map((u) => `${u.key} ${u.url}\n`).join('');
    case 'json':
      return urlsJson(urls);
    case 'env': {
      const names = envNames(urls.map((u) => u.declaration));
      return urls.map((u) => `${names.get(u.declaration)}=${u.url}\n`).join('');
    }
    default:
      return assertNever(format, 'output format');
  }
}

/** A KEY that is not declared: exit 1, with the nearest declared keys. */
export function unknownKeys(keys: readonly string[], manifest: { guilds: { webhooks: { key: string; name: string }[] }[] }): CordformError {
  const candidates = [...new Set(manifest.guilds.flatMap((g) => g.webhooks.flatMap((d) => [d.key, d.name])))].sort();
  const lines = keys.map((key) => {
    const nearest = nearestKeys(key, candidates);
    return nearest.length === 0 ? `"${key}"` : `"${key}" — nearest: ${nearest.map((k) => `"${k}"`).join(', ')}`;
  });
  return new CordformError('unknown_key', `not declared in the manifest: ${lines.join('; ')}`, { details: { keys } });
}
