/**
 * Pieces the text and Markdown renderers share: action labels, the summary line, and
 * field values as diff lines. Pure string functions.
 */
import { diffLines, diffWords } from 'diff';
import { permissionNames } from '../../discord/permissions.js';
import { assertNever, formatLocation, type SourceLocation } from '../../errors.js';
import type { Change, ChangeAction, FieldDiff, Plan, PlanNames } from '../plan-types.js';

export const NO_CHANGES = 'No changes. Discord matches the manifest.';

/** Text longer than this (or multi-line) is shown as a word diff rather than `old → new`. */
const LONG_STRING = 40;

export function actionSign(action: ChangeAction): string {
  switch (action) {
    case 'create':
      return '+';
    case 'update':
    case 'sync_commands':
      return '~';
    case 'move':
      return '→';
    case 'delete':
      return '-';
    case 'adopt':
      return '±';
    case 'replace':
      return '-/+';
    default:
      return assertNever(action, 'action');
  }
}

/**
 * `Plan: N to create, N to update, N to move, N to delete.` (plus `N to replace (new URL)`
 * when there are replacements) — adoptions and slash command
 * syncs modify something that exists, so they count as updates here (as Terraform's
 * "to change"); the JSON summary keeps them apart.
 */
export function planSummaryLine(plan: Plan): string {
  if (plan.changes.length === 0) return NO_CHANGES;
  const { create, update, move, adopt, commands, replace } = plan.summary;
  const replaced = replace > 0 ? ` ${replace} to replace (new URL),` : '';
  return `Plan: ${create} to create, ${update + adopt + commands} to update, ${move} to move,${replaced} ${plan.summary.delete} to delete.`;
}

/** No names known: channels and guilds show as ids only. */
export const NO_NAMES: PlanNames = { guilds: {}, channels: {} };

/** `#deploys (100000000000000003)` when the name is known, else `channel 100000000000000003`. */
export function channelText(channelId: string, names: PlanNames = NO_NAMES): string {
  const name = names.channels[channelId];
  return name === undefined ? `channel ${channelId}` : `${name} (${channelId})`;
}

/** `Guild "Sandbox" (100000000000000001)`, or `Guild 100000000000000001` without its name. */
export function guildText(guildId: string, names: PlanNames = NO_NAMES): string {
  const name = names.guilds[guildId];
  return name === undefined ? `Guild ${guildId}` : `Guild ${JSON.stringify(name)} (${guildId})`;
}

/**
 * One-line title of a change, e.g. `create "Deploys" in #deploys (1)` or
 * `move "X" (webhook 9) from #a (1) to #b (2)`; ids alone when names are not known.
 */
/** One line naming a change, exactly as a plan shows it (`+ create "X" in #deploys (1)`). */
export function changeHeadline(change: Change, names: PlanNames = NO_NAMES): string {
  return `${actionSign(change.action)} ${changeTitle(change, names)}`;
}

export function changeTitle(change: Change, names: PlanNames = NO_NAMES): string {
  if (change.action === 'sync_commands') return `sync slash commands of guild ${change.guildId} (bulk overwrite)`;
  const where = channelText(change.channelId, names);
  if (change.action === 'replace') {
    return `replace "${change.name}" (webhook ${change.webhookId} → a new webhook) in ${where}: the URL changes`;
  }
  const webhook = change.action === 'create' ? '' : ` (webhook ${change.webhookId})`;
  if (change.action === 'move') {
    const from = change.fields.channel_id?.from;
    return `move "${change.name}"${webhook}${typeof from === 'string' ? ` from ${channelText(from, names)}` : ''} to ${where}`;
  }
  return `${change.action} "${change.name}"${webhook} in ${where}`;
}

export function locationText(location: SourceLocation | undefined): string {
  return location === undefined ? '' : formatLocation(location);
}

/** A value as written in a plan: JSON for everything, so strings are quoted and null is null. */
export function formatValue(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * `formatValue`, plus a reading of values that are opaque as data: a slash command's
 * `default_member_permissions` bitfield gets its permission names.
 */
export function formatFieldValue(field: string, value: unknown, names: PlanNames = NO_NAMES): string {
  const written = formatValue(value);
  if (field === 'channel_id' && typeof value === 'string' && names.channels[value] !== undefined) return `${written} (${names.channels[value]})`;
  if (!field.endsWith('.default_member_permissions')) return written;
  if (value === null) return `${written} (everyone)`;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return written;
  if (value === '0') return `${written} (administrators only)`;
  return `${written} (${permissionNames(BigInt(value)).join(', ')})`;
}

/** `Apply needs --max-deletes 12 --force: …` when a guard fires, else null. */
export function guardsLine(plan: Plan): string | null {
  const { maxDeletes, force, reasons } = plan.guards;
  const flags = [...(maxDeletes === undefined ? [] : [`--max-deletes ${maxDeletes}`]), ...(force ? ['--force'] : [])];
  if (flags.length === 0) return null;
  return `Apply of this plan needs ${flags.join(' ')}: ${reasons.join('; and ')}.`;
}


/** Long prose (words separated by spaces), where a word diff reads better than two whole values; never hashes. */
export function isLongText(diff: FieldDiff): diff is { from: string; to: string } {
  if (typeof diff.from !== 'string' || typeof diff.to !== 'string') return false;
  const long = diff.from.length > LONG_STRING || diff.to.length > LONG_STRING || /\n/.test(diff.from + diff.to);
  return long && /\s/.test(diff.from) && /\s/.test(diff.to);
}

/** A value that needs more than one line (objects and arrays: slash command options). */
export function isStructured(value: unknown): boolean {
  return value !== null && typeof value === 'object';
}

export interface DiffLine {
  sign: '+' | '-' | ' ';
  text: string;
}

/**
 * True when `field` describes something that appears or disappears as a whole (a webhook
 * created or deleted, a slash command added or removed): its null side means "absent".
 * Otherwise null is a value, e.g. `default_member_permissions` changing to null.
 */
export function isWholeAddOrRemove(change: Change, field: string): boolean {
  if (change.action === 'create' || change.action === 'delete') return true;
  return change.action === 'sync_commands' && (change.commands.create.includes(field) || change.commands.delete.includes(field));
}

/** A field as unified-diff lines: `- name: "old"` / `+ name: "new"`; structured values line by line. */
export function fieldDiffLines(change: Change, field: string, diff: FieldDiff, names: PlanNames = NO_NAMES): DiffLine[] {
  if (isStructured(diff.from) || isStructured(diff.to)) return structuredDiffLines(field, diff);
  const whole = isWholeAddOrRemove(change, field);
  const lines: DiffLine[] = [];
  if (diff.from !== null || !whole) lines.push({ sign: '-', text: `${field}: ${formatFieldValue(field, diff.from, names)}` });
  if (diff.to !== null || !whole) lines.push({ sign: '+', text: `${field}: ${formatFieldValue(field, diff.to, names)}` });
  if (lines.length === 0) lines.push({ sign: ' ', text: `${field}: null` });
  return lines;
}

function structuredDiffLines(field: string, diff: FieldDiff): DiffLine[] {
  const before = diff.from === null ? '' : `${JSON.stringify(diff.from, null, 2)}\n`;
  const after = diff.to === null ? '' : `${JSON.stringify(diff.to, null, 2)}\n`;
  const lines: DiffLine[] = [{ sign: ' ', text: `${field}:` }];
  for (const part of diffLines(before, after)) {
    const sign = part.added ? '+' : part.removed ? '-' : ' ';
    for (const text of part.value.replace(/\n$/, '').split('\n')) lines.push({ sign, text: `  ${text}` });
  }
  return lines;
}

export interface WordMarks {
  removed: (text: string) => string;
  added: (text: string) => string;
}

/** Git-style word diff of two long strings: `[-old-]{+new+}` unless other marks are given. */
export function wordDiff(from: string, to: string, marks: WordMarks = PLAIN_MARKS): string {
  return diffWords(from, to)
    .map((part) => (part.added ? marks.added(part.value) : part.removed ? marks.removed(part.value) : part.value))
    .join('');
}

const PLAIN_MARKS: WordMarks = { removed: (t) => `[-${t}-]`, added: (t) => `{+${t}+}` };
