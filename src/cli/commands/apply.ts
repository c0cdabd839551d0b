import { resolve } from 'node:path';
import { defaultAuditReason } from '../../apply/audit-reason.js';
import { readSavedPlan } from '../../apply/saved-plan.js';
import type { PlanContext } from '../../api/apply-manifest.js';
import { CordformError } from '../../errors.js';
import { changeHeadline, renderText, type Plan } from '../../plan/index.js';
import { runApplySession, urlsOutPath, writeUrls } from '../apply-session.js';
import { parseCommandArgs, parseCount } from '../args.js';
import type { CliIo } from '../io.js';
import { loadManifestFor, MANIFEST_FLAGS, manifestFiles } from '../manifest-flags.js';
import { VARIABLE_NEEDS } from '../../manifest/variable-classes.js';

const HELP = `Usage: cordform apply [-f FILE]... [PLAN.json] [options]

Computes a fresh plan (or takes a saved one), shows it, asks for confirmation on a
terminal, then makes Discord match and confirms the result with one read per changed
guild. A saved plan is a proposal: apply runs only the changes a fresh plan also holds,
and refuses a plan file with any change a fresh plan does not hold.

Exit codes: 0 every change done; 1 an error, a failed change, or another writer changed a
webhook this apply touched; 130 interrupted (Ctrl-C / SIGTERM: writes in flight finish,
none start; a second Ctrl-C aborts those too).

Options:
  -f, --file FILE        manifest file or directory (repeatable; default ./cordform.yaml)
      --auto-approve     do not ask (required when not on a terminal, e.g. in CI)
      --max-deletes N    allow up to N deletes and replacements (default guard: refuse more
                         than 10 that are also more than a third of the owned webhooks)
      --force            allow plans over a guild's safety thresholds
      --concurrency N    max changes in flight per phase (default: as the rate limits allow)
      --target KEY       limit to webhooks by key GUILD/CHANNEL/NAME or name (repeatable);
                         a target that names nothing is an error
      --urls-out FILE    after the apply, write every declared webhook's URL (created or
                         existing) as JSON key → URL, mode 0600, replaced atomically; the
                         path is checked before anything is written to Discord
  -q, --quiet            print only errors and the final summary line
`;

export async function runApply(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'apply',
    args,
    {
      ...MANIFEST_FLAGS,
      'auto-approve': { type: 'boolean' },
      'max-deletes': { type: 'string' },
      force: { type: 'boolean' },
      concurrency: { type: 'string' },
      target: { type: 'string', multiple: true },
      'urls-out': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
    },
    true,
  );
  if (values.help) return void io.out(HELP), 0;
  if (positionals.length > 1) throw new CordformError('cli_usage', 'apply takes at most one saved plan file');
  const maxDeletes = parseCount('--max-deletes', values['max-deletes']);
  const concurrency = parseCount('--concurrency', values.concurrency);
  if (concurrency === 0) throw new CordformError('cli_usage', '--concurrency must be at least 1');
  const savedPath = positionals[0];
  if (savedPath && values.target) throw new CordformError('cli_usage', '--target applies when planning; the saved plan already has its targets');
  const quiet = values.quiet ?? false;
  const urlsOut = await urlsOutPath(io, values['urls-out']);
  // `git rev-parse` runs while the manifest loads and Discord is read; applyManifest waits
  // for it only before writing. The catch keeps an earlier failure from leaving it unhandled.
  const defaultReason = defaultAuditReason(io.cwd, io.env);
  defaultReason.catch(() => {});

  const saved = savedPath ? { plan: await readSavedPlan(resolve(io.cwd, savedPath)), path: savedPath } : undefined;
  const manifest = await loadManifestFor(manifestFiles(values), io, VARIABLE_NEEDS.discord);
  return runApplySession(io, {
    manifest,
    run: {
      ...(saved ? { saved } : {}),
      targets: values.target ?? [],
      ...(maxDeletes !== undefined ? { maxDeletes } : {}),
      force: values.force ?? false,
      ...(concurrency ? { concurrency } : {}),
      defaultReason,
    },
    quiet,
    autoApprove: values['auto-approve'] ?? false,
    interruptNotice: true,
    showPlan: (plan, context) => showPlan(io, plan, context, quiet),
    afterFinish: async (report, code) => {
      if (urlsOut === undefined || report.status === 'interrupted' || report.status === 'cancelled') return code;
      return Math.max(code, await writeUrls(io, manifest, report, urlsOut));
    },
  });
}

function showPlan(io: CliIo, plan: Plan, context: PlanContext, quiet: boolean): void {
  if (!quiet) io.out(`${renderText(plan, { color: io.color })}\n`);
  if (context.unreviewed.length > 0) {
    const lines = context.unreviewed.map((change) => `  ${changeHeadline(change, plan.names)}`);
    io.err(
      `Note: ${context.unreviewed.length} change(s) in a fresh plan are not in the saved plan and will not be applied ` +
        `(Discord changed since the plan was reviewed); run plan again to review them:\n${lines.join('\n')}\n`,
    );
  }
}
