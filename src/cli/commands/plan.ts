import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createClientFor } from '../../api/client.js';
import { computePlan } from '../../api/compute-plan.js';
import { changeAttributionText, isEmptyPlan, planFingerprints, renderJson, renderMarkdown, renderText, type Change, type Plan } from '../../plan/index.js';
import { assertNever } from '../../errors.js';
import { parseChoice, parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { loadManifestFor, MANIFEST_FLAGS, manifestFiles } from '../manifest-flags.js';
import { VARIABLE_NEEDS } from '../../manifest/variable-classes.js';
import { createSavedPlan } from '../../apply/saved-plan.js';
import { formatAnnotation } from '../../manifest/format-issues.js';

const HELP = `Usage: cordform plan [-f FILE]... [options]

Reads the manifest and Discord's live state (one webhook list per guild) and shows what
apply would change. Needs the bot token but no runtime secret (docs/manifest.md). Drift
(a webhook changed or deleted out of band) is shown with who made it, from the audit log;
a webhook renamed in Discord is renamed back, keeping its URL (docs/plan-and-apply.md, "Drift").
Exit codes: 0 success, 1 error or blockers, 2 changes present (only with
--detailed-exitcode or --check).

Options:
  -f, --file FILE          manifest file or directory (repeatable; default ./cordform.yaml)
      --format FORMAT      text (default), json or markdown
      --out PLAN.json      also save the plan (for \`cordform apply PLAN.json\`)
      --detailed-exitcode  exit 2 when the plan has changes
      --check              drift check: like --detailed-exitcode, prints only a summary
      --target KEY         limit to webhooks by key GUILD/CHANNEL/NAME or name (repeatable)
  -v, --verbose            show ownership classes and ignored (not owned) webhooks
  -q, --quiet              print nothing but errors (exit code still tells)
`;

export const PLAN_FORMATS = ['text', 'json', 'markdown'] as const;

const PLAN_OPTIONS = {
  ...MANIFEST_FLAGS,
  format: { type: 'string' },
  out: { type: 'string' },
  'detailed-exitcode': { type: 'boolean' },
  check: { type: 'boolean' },
  target: { type: 'string', multiple: true },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

export async function runPlan(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('plan', args, PLAN_OPTIONS);
  if (values.help) return void io.out(HELP), 0;
  return planCommand(values, io);
}

/** What `plan` and `check` share once their flags are parsed (a usage error names the command typed). */
export async function planCommand(
  values: ReturnType<typeof parseCommandArgs<typeof PLAN_OPTIONS>>['values'],
  io: CliIo,
): Promise<number> {
  const format = parseChoice('--format', values.format, PLAN_FORMATS, 'text');
  const manifest = await loadManifestFor(manifestFiles(values), io, VARIABLE_NEEDS.discord);
  const client = createClientFor(manifest, { env: io.env, redactor: io.redactor });
  try {
    const targets = values.target ?? [];
    const { plan, live } = await computePlan(manifest, client, { targets, signal: io.signal, redactor: io.redactor });
    if (values.out) {
      const saved = createSavedPlan(plan, planFingerprints(manifest, live));
      await writeFile(resolve(io.cwd, values.out), `${JSON.stringify(saved, null, 2)}\n`);
    }
    if (values.check) {
      if (!values.quiet) io.out(renderCheck(plan, format));
    } else if (!values.quiet) {
      io.out(renderPlan(plan, format, { color: io.color, verbose: values.verbose ?? false }));
      if (values.out && format === 'text') io.out(`\nSaved the plan to ${values.out}; apply it with \`cordform apply ${values.out}\`.\n`);
    }
    if (plan.blockers.length > 0) {
      if (io.env.GITHUB_ACTIONS === 'true') io.out(blockerAnnotations(plan));
      return 1;
    }
    const detailed = values['detailed-exitcode'] || values.check;
    return detailed && !isEmptyPlan(plan) ? 2 : 0;
  } finally {
    await client.close();
  }
}

export function renderPlan(
  plan: Plan,
  format: (typeof PLAN_FORMATS)[number],
  options: { color: boolean; verbose: boolean },
): string {
  switch (format) {
    case 'json':
      return `${renderJson(plan)}\n`;
    case 'markdown':
      return `${renderMarkdown(plan)}\n`;
    case 'text':
      return `${renderText(plan, options)}\n`;
    default:
      return assertNever(format, 'format');
  }
}

/** Whether Discord matches the manifest: what a drift check reports (and its exit code says). */
export type DriftStatus = 'none' | 'drift' | 'blocked';

export function driftStatus(plan: Plan): DriftStatus {
  if (plan.blockers.length > 0) return 'blocked';
  return isEmptyPlan(plan) ? 'none' : 'drift';
}

/** `check`: the summary paragraph as text; as JSON or Markdown, the whole plan (JSON with `drift` first). */
function renderCheck(plan: Plan, format: (typeof PLAN_FORMATS)[number]): string {
  switch (format) {
    case 'text':
      return `${checkSummary(plan)}\n`;
    case 'json':
      return `${JSON.stringify({ drift: driftStatus(plan), ...plan }, null, 2)}\n`;
    case 'markdown':
      return `${renderMarkdown(plan)}\n`;
    default:
      return assertNever(format, 'format');
  }
}

/** One paragraph for a scheduled drift job: the counts and the keys that differ. */
export function checkSummary(plan: Plan): string {
  if (plan.blockers.length > 0) return `Blocked: ${plan.blockers.map((b) => b.message).join('; ')}`;
  if (isEmptyPlan(plan)) return 'No drift: Discord matches the manifest.';
  const { create, update, move, delete: del, adopt, commands } = plan.summary;
  const lines = plan.changes.flatMap((change) => [`  ${change.action.padEnd(13)} ${change.key}`, ...driftLines(change)]);
  return `Drift detected: ${create} to create, ${update} to update, ${move} to move, ${del} to delete, ${adopt} to adopt, ${commands} command syncs.\n${[...lines, ...auditLogNotices(plan)].join('\n')}`;
}

/** Who made a drift, under its key (from the guild's audit log). */
function driftLines(change: Change): string[] {
  const text = changeAttributionText(change);
  return text === null ? [] : [`                ${text}`];
}

/** Why drift is not attributed in a guild (the bot may not read its audit log). */
function auditLogNotices(plan: Plan): string[] {
  return plan.warnings.filter((w) => w.code === 'audit_log_unreadable').map((w) => `Note: ${w.message}`);
}

/** Blockers as GitHub Actions annotations on the manifest lines they name. */
function blockerAnnotations(plan: Plan): string {
  return plan.blockers
    .map((blocker) => {
      const issue = { code: blocker.code, message: blocker.message, severity: 'error' as const };
      return `${formatAnnotation(blocker.location ? { ...issue, location: blocker.location } : issue)}\n`;
    })
    .join('');
}
