/**
 * `--format markdown`: a plan ready to post as a pull-request comment — the summary line,
 * blockers, a table of changes, a collapsible `<details>` per change with its field diffs
 * in a ```diff fence, and the warnings. GitHub rejects comments over 65,536 characters, so
 * every list is cut with "… and N more" to keep the whole under `maxLength` (65,000).
 */
import { assertNever } from '../../errors.js';
import type { Change, Plan, PlanNames } from '../plan-types.js';
import { changesByGuild } from '../group-changes.js';
import { changeTitle, fieldDiffLines, guardsLine, guildText, locationText, planSummaryLine } from './shared.js';
import { changeAttributionText } from './attribution.js';

export const MARKDOWN_MAX_LENGTH = 65_000;

export interface MarkdownRenderOptions {
  /** Upper bound on the output's length in characters (default 65,000). */
  maxLength?: number;
  /** Heading of the comment (default "cordform plan"). */
  title?: string;
}

/** Blockers and warnings may each take at most this share of the budget. */
const NOTICE_SHARE = 0.2;

export function renderMarkdown(plan: Plan, options: MarkdownRenderOptions = {}): string {
  const maxLength = options.maxLength ?? MARKDOWN_MAX_LENGTH;
  const head = `### ${options.title ?? 'cordform plan'}\n\n**${planSummaryLine(plan)}**\n`;
  const noticeBudget = Math.floor(maxLength * NOTICE_SHARE);
  const guard = guardsLine(plan);
  const blockers = blockerSection(plan, noticeBudget) + (guard === null ? '' : `\n> [!WARNING]\n> ${inline(guard)}\n`);
  const warnings = warningSection(plan, noticeBudget);
  const ignored = plan.ignored.length === 0 ? '' : `\n_${plan.ignored.length} live webhook(s) left alone (not owned, never touched, or prune: false)._\n`;
  const rest = maxLength - head.length - blockers.length - warnings.length - ignored.length;
  const table = tableSection(plan, Math.floor(rest / 2));
  const details = detailsSection(plan, rest - table.length);
  const markdown = (head + blockers + table + details + warnings + ignored).trimEnd();
  // Only reachable with a tiny maxLength (tests): the sections above already fit 65,000.
  return markdown.length <= maxLength ? markdown : markdown.slice(0, maxLength);
}

function blockerSection(plan: Plan, budget: number): string {
  if (plan.blockers.length === 0) return '';
  const title = `\n> [!CAUTION]\n> **${plan.blockers.length} blocker(s): apply will refuse to start**\n`;
  const items = plan.blockers.map((b) => `> - ${inline(b.message)}${where(locationText(b.location))}\n`);
  return title + fitList(items, budget - title.length, (n) => `> - … and ${n} more blockers\n`);
}

function warningSection(plan: Plan, budget: number): string {
  if (plan.warnings.length === 0) return '';
  const title = `\n#### Warnings\n\n`;
  const items = plan.warnings.map((w) => `- ⚠️ ${inline(w.message)}${where(locationText(w.location))}\n`);
  return title + fitList(items, budget - title.length, (n) => `- … and ${n} more warnings\n`);
}

/** One table per guild, under the guild's name. */
function tableSection(plan: Plan, budget: number): string {
  if (plan.changes.length === 0) return '';
  const header = '| | Action | Webhook | Channel | Fields |\n|---|---|---|---|---|\n';
  const items = [...changesByGuild(plan.changes)].flatMap(([guildId, changes]) => [
    `\n**${escapeHtml(guildText(guildId, plan.names))}**\n\n${header}`,
    ...changes.map((c) => `| ${emoji(c)} | ${c.action} | ${code(c.name)} | ${channelCell(c.channelId, plan.names)} | ${fieldList(c)} |\n`),
  ]);
  return fitList(items, budget, (n) => `\n… and ${n} more lines of changes\n`);
}

function channelCell(channelId: string | null, names: PlanNames): string {
  if (channelId === null) return '';
  const name = names.channels[channelId];
  return name === undefined ? code(channelId) : `${escapeHtml(name).replace(/\|/g, '&#124;')} ${code(channelId)}`;
}

function detailsSection(plan: Plan, budget: number): string {
  if (plan.changes.length === 0) return '';
  const blocks = plan.changes.map((change) => detailsBlock(change, plan.names));
  return '\n' + fitList(blocks, budget - 1, (n) => `… and ${n} more changes (the full plan: \`cordform plan --format json\`)\n`);
}

function detailsBlock(change: Change, names: PlanNames): string {
  const lines = Object.entries(change.fields).flatMap(([field, diff]) => fieldDiffLines(change, field, diff, names));
  const body = lines.map((l) => `${l.sign} ${l.text}`).join('\n');
  const fenceMark = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  const note = 'note' in change && change.note !== undefined ? `\n> ${inline(change.note)}\n` : '';
  const drift = attributionQuote(change);
  const location = locationText(change.location);
  return (
    `<details><summary>${emoji(change)} ${escapeHtml(changeTitle(change, names))}</summary>\n\n` +
    `${location === '' ? '' : `<sub>${escapeHtml(location)}</sub>\n\n`}` +
    `${fenceMark}diff\n${body}\n${fenceMark}\n${drift}${note}\n</details>\n\n`
  );
}

/** Drift: who changed or deleted the webhook out of band (from the audit log). */
function attributionQuote(change: Change): string {
  const text = changeAttributionText(change);
  return text === null ? '' : `\n> **Drift:** ${inline(text)}\n`;
}

/** Keeps whole items while they fit in `budget`, then one "… and N more" line. */
function fitList(items: readonly string[], budget: number, more: (n: number) => string): string {
  const total = items.reduce((sum, item) => sum + item.length, 0);
  if (total <= budget) return items.join('');
  const room = budget - more(items.length).length;
  let used = 0;
  let kept = 0;
  while (kept < items.length && used + items[kept]!.length <= room) used += items[kept++]!.length;
  return items.slice(0, kept).join('') + more(items.length - kept);
}

function emoji(change: Change): string {
  switch (change.action) {
    case 'create':
      return '➕';
    case 'update':
      return '✏️';
    case 'move':
      return '➡️';
    case 'delete':
      return '🗑️';
    case 'adopt':
      return '🤝';
    case 'replace':
      return '♻️';
    case 'sync_commands':
      return '🔁';
    default:
      return assertNever(change, 'change');
  }
}

/** At most five field names, so one slash command sync cannot widen the table without bound. */
function fieldList(change: Change): string {
  const fields = Object.keys(change.fields);
  const shown = fields.slice(0, 5).map(code).join(', ');
  return fields.length > 5 ? `${shown}, … (+${fields.length - 5})` : shown;
}

function code(text: string): string {
  return `<code>${escapeHtml(text).replace(/\|/g, '&#124;')}</code>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A message on one Markdown line, with HTML neutralized (names come from Discord). */
function inline(text: string): string {
  return escapeHtml(text.replace(/\s*\n\s*/g, ' '));
}

function where(location: string): string {
  return location === '' ? '' : ` (\`${location}\`)`;
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}
