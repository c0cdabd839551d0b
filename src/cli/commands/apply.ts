import { resolve } from 'node:path';
import type { ChangeOutcome } from '../../apply/apply-plan.js';
import { defaultAuditReason } from '../../apply/audit-reason.js';
import { readSavedPlan } from '../../apply/saved-plan.js';
import { applyManifest, type ApplyReport, type PlanContext } from '../../api/apply-manifest.js';
import { createClientFor } from '../../api/client.js';
import { resolveApiBase } from '../../live/api-base.js';
import { assertUrlsFileWritable, declaredUrls, writeUrlsFile } from '../../api/webhook-urls.js';
import type { Manifest, WebhookDeclaration } from '../../manifest/types.js';
import { CordformError } from '../../errors.js';
import { renderText, type Plan } from '../../plan/index.js';
import { createApplyProgress, describeChange, type ProgressOutput } from '../apply-progress.js';
import { parseCommandArgs, parseCount } from '../args.js';
import { INTERRUPTED_EXIT_CODE, type CliIo } from '../io.js';
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
  const urlsOut = values['urls-out'] === undefined ? undefined : resolve(io.cwd, values['urls-out']);
  if (urlsOut !== undefined) await assertUrlsFileWritable(urlsOut);
  // `git rev-parse` runs while the manifest loads and Discord is read; applyManifest waits
  // for it only before writing. The catch keeps an earlier failure from leaving it unhandled.
  const defaultReason = defaultAuditReason(io.cwd, io.env);
  defaultReason.catch(() => {});

  const saved = savedPath ? { plan: await readSavedPlan(resolve(io.cwd, savedPath)), path: savedPath } : undefined;
  const manifest = await loadManifestFor(manifestFiles(values), io, VARIABLE_NEEDS.discord);
  const client = createClientFor(manifest, { env: io.env, redactor: io.redactor });
  const progress = createApplyProgress(progressFor(io, quiet));
  const onInterrupt = () => io.err('\nInterrupted: no new writes start; waiting for the ones in flight (Ctrl-C again to abort them).\n');
  io.signal.addEventListener('abort', onInterrupt, { once: true });
  try {
    const report = await applyManifest({
      manifest,
      api: client,
      ...(saved ? { saved } : {}),
      targets: values.target ?? [],
      ...(maxDeletes !== undefined ? { maxDeletes } : {}),
      force: values.force ?? false,
      ...(concurrency ? { concurrency } : {}),
      defaultReason,
      interrupt: io.signal,
      signal: io.hardSignal,
      redactor: io.redactor,
      onPlan: (plan, context) => {
        progress.useNames(plan.names);
        showPlan(io, plan, context, quiet);
      },
      confirm: () => confirmed(io, values['auto-approve'] ?? false),
      onEvent: (event) => progress.onEvent(event),
    });
    await progress.finished();
    const code = finish(io, report);
    if (urlsOut !== undefined && report.status !== 'interrupted' && report.status !== 'cancelled') {
      return Math.max(code, await writeUrls(io, manifest, report, urlsOut));
    }
    return code;
  } finally {
    io.signal.removeEventListener('abort', onInterrupt);
    await client.close();
  }
}

/** `--urls-out`: every declared webhook that exists after the apply; missing ones are named. */
export async function writeUrls(
  io: CliIo,
  manifest: Manifest,
  report: ApplyReport,
  path: string,
  declarations?: readonly WebhookDeclaration[],
): Promise<number> {
  const { urls, missing } = declaredUrls(manifest, report.finalLive, resolveApiBase(manifest, io.env), declarations);
  await writeUrlsFile(path, urls);
  io.out(`Wrote ${urls.length} webhook URL(s) to ${path} (mode 0600).\n`);
  if (missing.length === 0) return 0;
  io.err(`Error: ${missing.length} declared webhook(s) do not exist, so ${path} lacks them: ${missing.join(', ')} [webhook_missing]\n`);
  return 1;
}

function showPlan(io: CliIo, plan: Plan, context: PlanContext, quiet: boolean): void {
  if (!quiet) io.out(`${renderText(plan, { color: io.color })}\n`);
  if (context.unreviewed.length > 0) {
    const lines = context.unreviewed.map((change) => `  ${describeChange(change, plan.names)}`);
    io.err(
      `Note: ${context.unreviewed.length} change(s) in a fresh plan are not in the saved plan and will not be applied ` +
        `(Discord changed since the plan was reviewed); run plan again to review them:\n${lines.join('\n')}\n`,
    );
  }
}

export function finish(io: CliIo, report: ApplyReport): number {
  switch (report.status) {
    case 'no_changes':
      return 0;
    case 'cancelled':
      io.err('Apply cancelled; nothing was changed.\n');
      return 1;
    case 'interrupted':
      io.out(renderInterrupted(report));
      return INTERRUPTED_EXIT_CODE;
    case 'applied': {
      io.out(renderApplyResult(report));
      const { failed, skipped, unknown, not_started } = report.counts;
      const clean = failed + skipped + unknown + not_started === 0 && report.conflicts.length === 0 && report.unconfirmed === undefined;
      return clean ? 0 : 1;
    }
  }
}

export async function confirmed(io: CliIo, autoApprove: boolean): Promise<boolean> {
  if (autoApprove) return true;
  if (!io.interactive) {
    throw new CordformError(
      'approval_required',
      'not on a terminal (or CI=true): pass --auto-approve, or apply a reviewed plan saved with `plan --out`; nothing was changed',
    );
  }
  return io.confirm("Do you want to perform these actions? Only 'yes' will be accepted:");
}

export function progressFor(io: CliIo, quiet: boolean): ProgressOutput {
  if (quiet) return { mode: 'silent', write: () => {} };
  return { mode: io.interactive && io.color ? 'tty' : 'lines', write: (text) => io.out(text) };
}

/** What was done, what failed with Discord's code, conflicts, and webhook URLs with the token masked. */
export function renderApplyResult(report: ApplyReport): string {
  const lines: string[] = [''];
  for (const outcome of report.outcomes.filter((o) => o.status !== 'done')) {
    const code = outcome.error?.discordCode ? ` (Discord ${outcome.error.status ?? ''} ${outcome.error.discordCode})` : '';
    lines.push(`${STATUS_LABELS[outcome.status]} ${outcome.action} ${outcome.key}${code}: ${outcome.detail ?? ''}`);
  }
  for (const conflict of report.conflicts) lines.push(`CONFLICT ${conflict.key}: ${conflict.message}`);
  if (report.unconfirmed !== undefined) lines.push(`NOT CONFIRMED: ${report.unconfirmed}`);
  lines.push(...createdLines(report.outcomes));
  const { done, failed, skipped } = report.counts;
  const incomplete = report.outcomes.some((o) => o.status !== 'done') || report.conflicts.length > 0 || report.unconfirmed !== undefined;
  lines.push(`Apply ${incomplete ? 'incomplete' : 'complete'}: ${done} done, ${failed} failed, ${skipped} skipped.`);
  if (report.conflicts.length > 0) {
    lines.push('Another writer changed webhooks during this apply (see CONFLICT above); run plan to see where things stand.');
  } else if (incomplete) {
    lines.push('Fix the failures and run apply again: it converges from wherever this run stopped.');
  }
  return `${lines.join('\n')}\n`;
}

/** After Ctrl-C: every change as done, not started, or unknown, and how to go on. */
function renderInterrupted(report: ApplyReport): string {
  const lines = ['', 'Apply interrupted. What happened to each change:'];
  for (const outcome of report.outcomes) {
    lines.push(`  ${STATUS_LABELS[outcome.status].trim().padEnd(11)} ${outcome.action} ${outcome.key}${outcome.detail ? ` — ${outcome.detail}` : ''}`);
  }
  lines.push(...createdLines(report.outcomes));
  const { done, not_started, unknown, failed, skipped } = report.counts;
  lines.push(`Apply interrupted: ${done} done, ${not_started} not started, ${unknown} unknown, ${failed} failed, ${skipped} skipped.`);
  lines.push('Run apply again: it re-reads Discord, finds what the unknown writes did, and converges without duplicates.');
  return `${lines.join('\n')}\n`;
}

function createdLines(outcomes: readonly ChangeOutcome[]): string[] {
  const created = outcomes.filter((o) => (o.action === 'create' || o.action === 'replace') && o.status === 'done' && o.url);
  if (created.length === 0) return [];
  return [
    'Created webhooks (tokens masked; `cordform output` or `apply --urls-out FILE` gives the URLs):',
    ...created.map((outcome) => `  ${outcome.key}  ${outcome.webhookId ?? ''}  ${outcome.url ?? ''}${twinNote(outcome)}`),
  ];
}

function twinNote(outcome: ChangeOutcome): string {
  if (outcome.twin === undefined) return '';
  return `  (another apply created it at the same time: kept the older webhook ${outcome.twin.kept}, removed ours ${outcome.twin.removed})`;
}

const STATUS_LABELS: Record<ChangeOutcome['status'], string> = {
  done: 'DONE       ',
  failed: 'FAILED     ',
  skipped: 'SKIPPED    ',
  not_started: 'NOT STARTED',
  unknown: 'UNKNOWN    ',
};
