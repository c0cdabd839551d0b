/**
 * The text an apply (or a rotate) ends with: what was done, what failed and why, conflicts,
 * created webhooks with their token masked, and how to go on.
 */
import type { ChangeOutcome } from '../apply/apply-plan.js';
import type { ApplyReport } from '../api/apply-manifest.js';

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
export function renderInterrupted(report: ApplyReport): string {
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
