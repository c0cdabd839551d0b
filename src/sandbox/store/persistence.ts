import { readFile } from 'node:fs/promises';
import { CordformError } from '../../errors.js';
import { describeSchemaErrors, dottedPath, type InputIssue } from '../input/input-issues.js';
import { schemaErrors } from '../input/validators.js';
import { removeStrayTempFiles } from '../../fs/atomic-write.js';
import { journalPath } from './journal.js';
import { assertSeed } from './seed.js';
import type { PersistedState } from './state.js';
import { checkStateReferences } from './state-references.js';
import type { JournalEntry, StateOp } from './state-ops.js';

/**
 * Loading `--state FILE`: the snapshot in FILE, then the entries of FILE.journal written
 * after it (see journal.ts). Stray temp files of an interrupted snapshot write are removed
 * first. Every entry of both is checked (schema/sandbox-state.schema.json, then duplicate
 * ids and references), and a problem is a startup error that names the entry, e.g.
 * `webhooks.2 (id 123).name: is required`. A journal line cut short by a crash is the one
 * thing tolerated: it was never acknowledged.
 */
export interface LoadedState {
  snapshot: PersistedState;
  /** Journal entries after the snapshot, in order. */
  journal: StateOp[];
  /** The sequence number of the last change (snapshot or journal). */
  lastSeq: number;
}

export async function loadStateFile(path: string): Promise<LoadedState | null> {
  await removeStrayTempFiles(path);
  const text = await readOptional(path);
  const journalText = await readOptional(journalPath(path));
  if (text === null) {
    if (journalText !== null && journalText.trim() !== '') {
      throw corrupt(path, [`${journalPath(path)} exists without the state file it continues; remove it too to start from the seed`]);
    }
    return null;
  }
  const snapshot = parseSnapshot(path, text);
  const start = snapshot.journal_seq ?? 0;
  const { entries, lastSeq } = parseJournal(path, journalText ?? '', start);
  return { snapshot, journal: entries.filter((entry) => entry.seq > start).map(stripSeq), lastSeq: Math.max(start, lastSeq) };
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CordformError('sandbox_state_unreadable', `cannot read sandbox state file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function parseSnapshot(path: string, text: string): PersistedState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, [`not valid JSON (${(error as Error).message})`]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'op' in value) {
    throw corrupt(path, ['expected a JSON object with "format": "cordform-sandbox-state"']);
  }
  const problems = describeSchemaErrors(schemaErrors('state', value)).map((issue) => label(value, issue));
  if (problems.length > 0) throw corrupt(path, problems);
  const state = value as PersistedState;
  try {
    assertSeed(state.seed, 'seed');
  } catch (error) {
    throw corrupt(path, [`invalid "seed": ${(error as Error).message.split('\n').slice(1).join(';').trim()}`]);
  }
  const references = checkStateReferences(state).map((issue) => label(value, issue));
  if (references.length > 0) throw corrupt(path, references);
  return state;
}

/**
 * Journal lines in order. The tail after the last newline is a write the crash cut short;
 * any other line that is not a valid entry, or whose seq does not increase, is corruption.
 */
function parseJournal(path: string, text: string, start: number): { entries: JournalEntry[]; lastSeq: number } {
  const file = journalPath(path);
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const entries: JournalEntry[] = [];
  let lastSeq = start;
  complete.split('\n').forEach((line, index) => {
    if (line === '') return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw corrupt(path, [`${where}: not valid JSON (${(error as Error).message})`]);
    }
    if (typeof value !== 'object' || value === null || !('op' in value)) throw corrupt(path, [`${where}: not a journal entry (no "op")`]);
    const problems = describeSchemaErrors(schemaErrors('state', value)).map((issue) => `${where}: ${label(value, issue)}`);
    if (problems.length > 0) throw corrupt(path, problems);
    const entry = value as JournalEntry;
    if (entry.seq <= lastSeq && entry.seq > start) throw corrupt(path, [`${where}: seq ${entry.seq} does not follow ${lastSeq}`]);
    lastSeq = Math.max(lastSeq, entry.seq);
    entries.push(entry);
  });
  return { entries, lastSeq };
}

function stripSeq(entry: JournalEntry): StateOp {
  const { seq: _seq, ...op } = entry;
  return op as StateOp;
}

/** `webhooks.2 (id 123).name: is required`: the path, with the id of the entry it is in. */
function label(root: unknown, issue: InputIssue): string {
  let node: unknown = root;
  let text = '';
  issue.path.forEach((part, index) => {
    node = (node as Record<string | number, unknown> | undefined)?.[part];
    text += index === 0 ? String(part) : `.${String(part)}`;
    const id = (node as { id?: unknown } | undefined)?.id;
    if (typeof part === 'number' && typeof id === 'string' && index < issue.path.length - 1) text += ` (id ${id})`;
  });
  return `${issue.path.length === 0 ? dottedPath([]) : text}: ${issue.message}`;
}

function corrupt(path: string, problems: readonly string[]): CordformError {
  const shown = problems.slice(0, 20);
  const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
  return new CordformError(
    'sandbox_state_corrupt',
    `sandbox state file ${path} is corrupt:\n  ${shown.join('\n  ')}${more}\nMove it (and ${journalPath(path)}) away to start from the seed again.`,
    { details: { file: path, problems } },
  );
}
