/**
 * Terraform-style text view of a Plan for terminals and CI logs. No ANSI colour unless
 * `color: true` (the CLI decides: TTY, not CI, no NO_COLOR). `verbose` adds ownership
 * classes, the request each change sends, manifest locations and the ignored webhooks.
 */
import { assertNever, formatLocation } from '../../errors.js';
import { changesByGuild } from '../group-changes.js';
import type { Change, FieldDiff, IgnoredWebhook, Plan, PlanNames } from '../plan-types.js';
import {
  changeHeadline,
  fieldDiffLines,
  guardsLine,
  guildText,
  formatFieldValue,
  isWholeAddOrRemove,
  isLongText,
  isStructured,
  locationText,
  planSummaryLine,
  wordDiff,
} from './shared.js';
import { changeAttributionText } from './attribution.js';

export interface TextRenderOptions {
  color?: boolean;
  verbose?: boolean;
}

type Paint = (style: Style, text: string) => string;
type Style = 'green' | 'yellow' | 'cyan' | 'red' | 'magenta' | 'bold' | 'dim';

const ANSI: Record<Style, string> = {
  green: '32',
  yellow: '33',
  cyan: '36',
  red: '31',
  magenta: '35',
  bold: '1',
  dim: '2',
};

export function renderText(plan: Plan, options: TextRenderOptions = {}): string {
  const paint: Paint = options.color ? (style, text) => `\u001b[${ANSI[style]}m${text}\u001b[0m` : (_s, text) => text;
  const guard = guardsLine(plan);
  const sections = [
    plan.changes.length === 0 ? [] : ['cordform will perform the following actions:', ...changeSection(plan, paint, options)],
    blockerSection(plan, paint),
    warningSection(plan, paint),
    guard === null ? [] : [paint('yellow', guard)],
    options.verbose ? ignoredSection(plan.ignored, paint) : [],
  ].filter((lines) => lines.length > 0);
  return [...sections.flatMap((lines) => [...lines, '']), paint('bold', planSummaryLine(plan))].join('\n');
}

function styleOf(change: Change): Style {
  switch (change.action) {
    case 'create':
      return 'green';
    case 'update':
    case 'sync_commands':
      return 'yellow';
    case 'move':
      return 'cyan';
    case 'delete':
    case 'replace':
      return 'red';
    case 'adopt':
      return 'magenta';
    default:
      return assertNever(change, 'change');
  }
}

/** Changes under a heading per guild (`Guild "Sandbox" (1000…):`), each guild's in plan order. */
function changeSection(plan: Plan, paint: Paint, options: TextRenderOptions): string[] {
  return [...changesByGuild(plan.changes)].flatMap(([guildId, changes]) => [
    '',
    paint('bold', `${guildText(guildId, plan.names)}:`),
    ...changes.flatMap((c) => ['', ...changeBlock(c, plan.names, paint, options)]),
  ]);
}

function changeBlock(change: Change, names: PlanNames, paint: Paint, options: TextRenderOptions): string[] {
  const ownership = options.verbose ? paint('dim', `  [${change.ownership}]`) : '';
  const lines = [`  ${paint(styleOf(change), changeHeadline(change, names))}${ownership}`];
  const width = Math.max(0, ...Object.keys(change.fields).map((f) => f.length));
  for (const [field, diff] of Object.entries(change.fields)) lines.push(...fieldLines(change, field, diff, width, names, paint));
  lines.push(...attributionLines(change, paint));
  if ('note' in change && change.note !== undefined) lines.push(`      ${paint('dim', `note: ${change.note}`)}`);
  if (options.verbose) lines.push(...verboseLines(change, paint));
  return lines;
}

/** Drift: who changed or deleted the webhook out of band (from the audit log). */
function attributionLines(change: Change, paint: Paint): string[] {
  const text = changeAttributionText(change);
  return text === null ? [] : [`      ${paint('yellow', `drift: ${text}`)}`];
}

function fieldLines(change: Change, field: string, diff: FieldDiff, width: number, names: PlanNames, paint: Paint): string[] {
  const label = `${field}:`.padEnd(width + 1);
  // A whole command added or removed is one line; its fields (null included) diff as usual.
  if (change.action === 'sync_commands' && isWholeAddOrRemove(change, field)) {
    return [`      ${diff.from === null ? paint('green', `+ ${field}`) : paint('red', `- ${field}`)}`];
  }
  if (change.action === 'create' || change.action === 'delete') {
    return [`      ${label} ${formatFieldValue(field, change.action === 'create' ? diff.to : diff.from, names)}`];
  }
  if (isStructured(diff.from) || isStructured(diff.to)) {
    return fieldDiffLines(change, field, diff, names).map((line) => `      ${colourLine(line.sign, `${line.sign} ${line.text}`, paint)}`);
  }
  if (isLongText(diff)) {
    const marks = { removed: (t: string) => paint('red', `[-${t}-]`), added: (t: string) => paint('green', `{+${t}+}`) };
    return [`      ${label} ${wordDiff(diff.from, diff.to, marks)}`];
  }
  return [`      ${label} ${formatFieldValue(field, diff.from, names)} → ${formatFieldValue(field, diff.to, names)}`];
}

function colourLine(sign: string, text: string, paint: Paint): string {
  return sign === '+' ? paint('green', text) : sign === '-' ? paint('red', text) : text;
}

function verboseLines(change: Change, paint: Paint): string[] {
  let path: string = change.request.path_template;
  for (const [param, value] of Object.entries(change.request.params)) path = path.replace(`{${param}}`, value);
  const lines = [`      ${paint('dim', `request: ${change.request.method} ${path}`)}`];
  if ('reason' in change && change.reason !== undefined) lines.push(`      ${paint('dim', `reason: ${change.reason}`)}`);
  if (change.location !== undefined) lines.push(`      ${paint('dim', `at ${formatLocation(change.location)}`)}`);
  return lines;
}

function blockerSection(plan: Plan, paint: Paint): string[] {
  if (plan.blockers.length === 0) return [];
  return [
    paint('red', 'Blockers — apply will refuse to start until these are fixed:'),
    ...plan.blockers.map((b) => `  ${paint('red', '✖')} ${withLocation(b.message, locationText(b.location))}`),
  ];
}

function warningSection(plan: Plan, paint: Paint): string[] {
  if (plan.warnings.length === 0) return [];
  return [
    paint('yellow', 'Warnings:'),
    ...plan.warnings.map((w) => `  ${paint('yellow', '!')} ${withLocation(w.message, locationText(w.location))}`),
  ];
}

function ignoredSection(ignored: readonly IgnoredWebhook[], paint: Paint): string[] {
  if (ignored.length === 0) return [];
  return [
    'Ignored webhooks (left as they are):',
    ...ignored.map(
      (w) => `  ${paint('dim', '·')} "${w.name ?? ''}" (webhook ${w.webhookId}) in channel ${w.channelId ?? '?'} [${w.class}]: ${w.reason}`,
    ),
  ];
}

function withLocation(message: string, location: string): string {
  return location === '' ? message : `${message} (${location})`;
}
