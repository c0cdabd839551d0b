import { parseChoice, parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { registerManifestSecrets } from '../../manifest/manifest-secrets.js';
import { MANIFEST_FLAGS, manifestFiles } from '../manifest-flags.js';
import { formatManifestIssues, loadManifest, type LoadManifestResult } from '../../manifest/read-manifest.js';
import { displayPath } from '../../manifest/source-files.js';
import { VARIABLE_NEEDS } from '../../manifest/variable-classes.js';
import type { Manifest } from '../../manifest/types.js';

const HELP = `Usage: cordform validate [-f FILE]... [--format text|json]

Checks the manifest offline: YAML syntax, the JSON Schema (schema/manifest.schema.json),
\${VAR} references, avatars, and cross-checks (duplicates, references). Needs no variable
set (not even DISCORD_BOT_TOKEN): unset ones are listed as notes, with the commands that
need them. Prints every problem as file:line:col; with GITHUB_ACTIONS=true also as GitHub
annotations. Exit codes: 0 valid (warnings and notes allowed), 1 invalid.

Options:
  -f, --file FILE    manifest file or directory (repeatable; default ./cordform.yaml)
      --format FMT   text (default) or json: {valid, files, errors, warnings, info}
`;

const FORMATS = ['text', 'json'] as const;

export async function runValidate(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('validate', args, { ...MANIFEST_FLAGS, format: { type: 'string' } });
  if (values.help) return void io.out(HELP), 0;
  const format = parseChoice('--format', values.format, FORMATS, 'text');
  const files = manifestFiles(values);
  const result = await loadManifest({ files, cwd: io.cwd, env: io.env, needs: VARIABLE_NEEDS.offline });
  if (result.manifest) registerManifestSecrets(result.manifest, io.redactor);
  const shown = result.manifest ? result.manifest.files.map((file) => displayPath(file, io.cwd)) : files;

  if (format === 'json') {
    io.out(`${JSON.stringify(toJson(result, shown), null, 2)}\n`);
  } else {
    // Errors first, then warnings, then notes (each group already in reading order).
    const issues = [...result.errors, ...result.warnings, ...result.info];
    io.out(formatManifestIssues(issues, { githubActions: io.env.GITHUB_ACTIONS === 'true' }));
    io.out(`${validationSummaryLine(result, shown)}\n`);
  }
  return result.manifest ? 0 : 1;
}

function toJson(result: LoadManifestResult, files: string[]) {
  return {
    valid: result.manifest !== undefined,
    files,
    ...(result.manifest ? { counts: countDeclarations(result.manifest) } : {}),
    errors: result.errors,
    warnings: result.warnings,
    info: result.info,
  };
}

/** `examples/basic.yaml: valid (2 webhooks, 1 command in 1 guild)` or `…: invalid (3 errors, 1 warning)`. */
export function validationSummaryLine(result: LoadManifestResult, files: string[]): string {
  const warnings = [
    ...(result.warnings.length > 0 ? [plural(result.warnings.length, 'warning')] : []),
    ...(result.info.length > 0 ? [plural(result.info.length, 'note')] : []),
  ].map((part) => `, ${part}`).join('');
  if (!result.manifest) return `${files.join(', ')}: invalid (${plural(result.errors.length, 'error')}${warnings})`;
  const counts = countDeclarations(result.manifest);
  return `${files.join(', ')}: valid (${plural(counts.webhooks, 'webhook')}, ${plural(counts.commands, 'command')} in ${plural(counts.guilds, 'guild')}${warnings})`;
}

function countDeclarations(manifest: Manifest): { guilds: number; webhooks: number; commands: number } {
  return {
    guilds: manifest.guilds.length,
    webhooks: manifest.guilds.reduce((sum, guild) => sum + guild.webhooks.length, 0),
    commands: manifest.guilds.reduce((sum, guild) => sum + guild.commands.length, 0),
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
