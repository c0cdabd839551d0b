import { declaredUrls } from '../../api/webhook-urls.js';
import { CordformError } from '../../errors.js';
import { resolveApiBase } from '../../live/api-base.js';
import { declarationsFor } from '../../plan/declared-webhooks.js';
import { renderText } from '../../plan/index.js';
import { planRotation } from '../../plan/rotation.js';
import { runApplySession, urlsOutPath, writeUrls } from '../apply-session.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { loadManifestFor, MANIFEST_FLAGS, manifestFiles } from '../manifest-flags.js';
import { VARIABLE_NEEDS } from '../../manifest/variable-classes.js';
import { unknownKeys } from './output.js';

const HELP = `Usage: cordform rotate KEY... [-f FILE]... [--auto-approve] [--urls-out FILE]

Gives webhooks a new URL (for a leaked one). Discord cannot reset a webhook token, so
rotate creates a replacement with the same name, channel and avatar, then deletes the old
webhook: the old URL stops working. The manifest needs no change; the next plan is empty.

Shows the plan first and asks on a terminal (--auto-approve otherwise). The new URL is
printed only on a terminal; elsewhere write it with --urls-out (or read it with
\`cordform output\`). KEYs are webhook keys (GUILD/CHANNEL/NAME) or names, as --target takes.

If rotate stops between the create and the delete, the old and the new webhook are owned
twins: the next apply keeps the older (the old URL) and deletes the new one, so run rotate
again. A failed create changes nothing; a failed delete is reported (the old URL still
works) and exits 1.

Options:
  -f, --file FILE      manifest file or directory (repeatable; default ./cordform.yaml)
      --auto-approve   do not ask (required when not on a terminal)
      --urls-out FILE  write the rotated webhooks' new URLs as JSON key → URL (mode 0600,
                       replaced atomically); checked before anything is written
  -q, --quiet          print only errors and the final summary line
`;

export async function runRotate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'rotate',
    args,
    { ...MANIFEST_FLAGS, 'auto-approve': { type: 'boolean' }, 'urls-out': { type: 'string' }, quiet: { type: 'boolean', short: 'q' } },
    true,
  );
  if (values.help) return void io.out(HELP), 0;
  if (positionals.length === 0) throw new CordformError('cli_usage', 'rotate: name at least one webhook KEY (GUILD/CHANNEL/NAME or a name)');
  const quiet = values.quiet ?? false;
  const urlsOut = await urlsOutPath(io, values['urls-out']);
  const manifest = await loadManifestFor(manifestFiles(values), io, VARIABLE_NEEDS.discord);
  const selected = declarationsFor(positionals, manifest);
  if (selected.unknown.length > 0) throw unknownKeys(selected.unknown, manifest);

  return runApplySession(io, {
    manifest,
    run: {
      buildPlan: (live) => planRotation(manifest, live, selected.found),
      defaultReason: `cordform rotate (${selected.found.map((d) => d.name).join(', ')})`,
    },
    quiet,
    autoApprove: values['auto-approve'] ?? false,
    // Ctrl-C during a rotate says nothing until the result, which tells what happened.
    interruptNotice: false,
    showPlan: (plan) => {
      if (!quiet) io.out(`${renderText(plan, { color: io.color })}\n`);
    },
    afterFinish: async (report, code) => {
      if (report.status !== 'applied') return code;
      const rotated = new Set(report.outcomes.filter((o) => o.status === 'done').map((o) => o.key));
      const declarations = selected.found.filter((d) => rotated.has(d.key));
      if (urlsOut !== undefined) {
        return Math.max(code, await writeUrls(io, manifest, report, urlsOut, declarations));
      }
      if (io.interactive) {
        const { urls } = declaredUrls(manifest, report.finalLive, resolveApiBase(manifest, io.env), declarations);
        io.out('New URLs:\n');
        io.revealOut(urls.map((u) => `  ${u.key} ${u.url}\n`).join(''));
      } else if (declarations.length > 0) {
        io.out('The new URLs are not printed here (not a terminal): use --urls-out FILE, or `cordform output KEY`.\n');
      }
      return code;
    },
  });
}
