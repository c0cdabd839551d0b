import { resolve } from 'node:path';
import { applyPlan, type ApplyResult } from '../../apply/apply-plan.js';
import { defaultAuditReason } from '../../apply/audit-reason.js';
import { checkDeleteGuard } from '../../apply/delete-guard.js';
import type { ProgressOutput } from '../../apply/progress.js';
import { findStaleness, readSavedPlan, verifyBeforeWrite } from '../../apply/saved-plan.js';
import { computePlan, createClientFor, registerLiveSecrets } from '../../cordform.js';
import { readLiveState } from '../../discord/read-live-state.js';
import { CordformError } from '../../errors.js';
import { isEmptyPlan, renderText, type LiveState, type Plan } from '../../plan/index.js';
import { parseCommandArgs, parseCount } from '../args.js';
import type { CliIo } from '../io.js';
import { loadManifestFor, MANIFEST_FLAGS, manifestFiles } from '../manifest-flags.js';
import { VARIABLE_NEEDS } from '../../manifest/variable-classes.js';

const HELP = `Usage: cordform apply [-f FILE]... [PLAN.json] [options]

Computes a fresh plan (or takes a saved one), shows it, asks for confirmation on a
terminal, then makes Discord match. Exit 0 when every change is done, 1 otherwise.

Options:
  -f, --file FILE        manifest file or directory (repeatable; default ./cordform.yaml)
      --auto-approve     do not ask (required when not on a terminal, e.g. in CI)
      --max-deletes N    allow up to N deletes (default guard: refuse more than 10 that are
                         also more than a third of the owned webhooks)
      --force            allow plans over a guild's safety thresholds
      --concurrency N    max changes in flight per phase (default: as the rate limits allow)
      --target KEY       limit to webhooks by key GUILD/CHANNEL/NAME or name (repeatable)
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

  const manifest = await loadManifestFor(manifestFiles(values), io, VARIABLE_NEEDS.discord);
  const client = createClientFor(manifest, { env: io.env, redactor: io.redactor });
  try {
    let plan: Plan;
    let live: LiveState;
    let fromSavedPlan = false;
    if (savedPath) {
      if (values.target) throw new CordformError('cli_usage', '--target applies when planning; the saved plan already has its targets');
      const saved = await readSavedPlan(resolve(io.cwd, savedPath));
      live = await readLiveState(manifest, client, { signal: io.signal });
      registerLiveSecrets(live, io.redactor);
      const stale = findStaleness(saved, manifest, live);
      if (stale.length > 0) {
        throw new CordformError(
          'plan_stale',
          `the saved plan ${savedPath} is stale; nothing was changed. Run \`cordform plan --out ${savedPath}\` again.\n  - ${stale.join('\n  - ')}`,
          { details: { reasons: stale } },
        );
      }
      plan = saved.plan;
      fromSavedPlan = true;
    } else {
      ({ plan, live } = await computePlan(manifest, client, {
        targets: values.target ?? [],
        signal: io.signal,
        redactor: io.redactor,
      }));
    }

    if (!values.quiet) io.out(`${renderText(plan, { color: io.color })}\n`);
    if (plan.blockers.length > 0) {
      throw new CordformError('plan_blocked', `the plan has ${plan.blockers.length} blocker(s); nothing was changed`);
    }
    if (isEmptyPlan(plan)) return 0;
    guardPlan(plan, maxDeletes, values.force ?? false);
    // A saved plan was reviewed when it was made (as with `terraform apply PLAN`): no prompt.
    if (!fromSavedPlan && !(await confirmed(io, values['auto-approve'] ?? false))) {
      io.err('Apply cancelled; nothing was changed.\n');
      return 1;
    }

    const result = await applyPlan(plan.changes, {
      api: client,
      manifest,
      botId: live.bot.id,
      defaultReason: await defaultAuditReason(io.cwd, io.env),
      progress: progressFor(io, values.quiet ?? false),
      ...(io.signal ? { signal: io.signal } : {}),
      ...(concurrency ? { concurrency } : {}),
      ...(fromSavedPlan ? { verifyBeforeWrite: verifyBeforeWrite(client, io.signal) } : {}),
    });
    io.out(renderApplyResult(result));
    return result.counts.failed + result.counts.skipped === 0 ? 0 : 1;
  } finally {
    await client.close();
  }
}

function guardPlan(plan: Plan, maxDeletes: number | undefined, force: boolean): void {
  const verdict = checkDeleteGuard(plan, maxDeletes);
  if (!verdict.allowed) {
    throw new CordformError('too_many_deletes', `refusing to apply: ${verdict.message}; nothing was changed`);
  }
  const over = plan.thresholds.filter((t) => t.requiresForce);
  if (over.length > 0 && !force) {
    const which = over
      .map((t) => `guild ${t.guildId}: ${t.updates} updates and ${t.deletes} deletes of ${t.owned} owned webhooks`)
      .join('; ');
    throw new CordformError(
      'threshold_exceeded',
      `refusing to apply: the plan changes more than the safety thresholds allow (${which}); review it and pass --force; nothing was changed`,
    );
  }
}

async function confirmed(io: CliIo, autoApprove: boolean): Promise<boolean> {
  if (autoApprove) return true;
  if (!io.interactive) {
    throw new CordformError(
      'approval_required',
      'not on a terminal (or CI=true): pass --auto-approve, or apply a reviewed plan saved with `plan --out`; nothing was changed',
    );
  }
  return io.confirm("Do you want to perform these actions? Only 'yes' will be accepted:");
}

function progressFor(io: CliIo, quiet: boolean): ProgressOutput {
  if (quiet) return { mode: 'silent', write: () => {} };
  return { mode: io.interactive && io.color ? 'tty' : 'lines', write: (text) => io.out(text) };
}

/** What was done, what failed with Discord's code, and the created webhooks' URLs with the token masked. */
export function renderApplyResult(result: ApplyResult): string {
  const lines: string[] = [''];
  const failedOrSkipped = result.outcomes.filter((o) => o.status !== 'done');
  for (const outcome of failedOrSkipped) {
    const code = outcome.error?.discordCode ? ` (Discord ${outcome.error.status ?? ''} ${outcome.error.discordCode})` : '';
    lines.push(`${outcome.status === 'failed' ? 'FAILED ' : 'SKIPPED'} ${outcome.action} ${outcome.key}${code}: ${outcome.detail ?? ''}`);
  }
  const created = result.outcomes.filter((o) => o.action === 'create' && o.status === 'done' && o.url);
  if (created.length > 0) {
    lines.push("Created webhooks (tokens masked; read them with the API or Discord's UI):");
    for (const outcome of created) lines.push(`  ${outcome.key}  ${outcome.url}`);
  }
  const { done, failed, skipped } = result.counts;
  lines.push(`Apply ${failed + skipped === 0 ? 'complete' : 'incomplete'}: ${done} done, ${failed} failed, ${skipped} skipped.`);
  if (failed + skipped > 0) lines.push('Fix the failures and run apply again: it converges from wherever this run stopped.');
  return `${lines.join('\n')}\n`;
}
