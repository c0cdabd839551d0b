import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { MANIFEST_FLAGS } from '../manifest-flags.js';
import { planCommand } from './plan.js';

const HELP = `Usage: cordform check [-f FILE]... [options]

Drift check for a scheduled job (\`cordform plan --check\`): exit 0 when Discord matches
the manifest, 2 on drift (with a summary of the keys that differ), 1 on error or blockers.
Where it finds drift it reads the guild's audit log (the bot needs View Audit Log) and names
who made each change, when, and why (docs/plan-and-apply.md, "Drift").

Options:
  -f, --file FILE        manifest file or directory (repeatable; default ./cordform.yaml)
      --format FORMAT    text (default: the summary), json (the plan as \`plan --format json\`
                         prints it, with "drift": "none" | "drift" | "blocked" first) or markdown
      --target KEY       limit to webhooks by key GUILD/CHANNEL/NAME or name (repeatable)
  -q, --quiet            print nothing but errors (the exit code still tells)
`;

/** `cordform check` = `cordform plan --check`: exit 0 in sync, 2 on drift, 1 on error. */
export async function runCheck(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('check', args, {
    ...MANIFEST_FLAGS,
    format: { type: 'string' },
    target: { type: 'string', multiple: true },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (values.help) return void io.out(HELP), 0;
  return planCommand({ ...values, check: true }, io);
}
