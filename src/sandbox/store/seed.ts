import { readFile } from 'node:fs/promises';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { CordformError } from '../../errors.js';
import type { SandboxSeed } from './seed-types.js';
import { validateSeed, type SeedIssue } from './seed-validate.js';

export { DEFAULT_SEED } from './seed-types.js';
export type * from './seed-types.js';

/**
 * Parses a seed written as YAML or JSON (JSON is YAML). Every problem is reported at once,
 * each as `file:line:col: path: message`, in one CordformError `sandbox_seed_invalid`.
 */
export function parseSeed(text: string, file: string): SandboxSeed {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = lineCounter.linePos(first.pos[0]);
    throw new CordformError('sandbox_seed_invalid', `${file}:${pos.line}:${pos.col}: ${first.message}`, {
      location: { file, line: pos.line, column: pos.col },
    });
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const issues = validateSeed(value);
  if (issues.length === 0) return value as SandboxSeed;
  throw seedError(issues, file, (issue) => locate(doc, lineCounter, issue));
}

/** Reads and parses a seed file; errors name the file. */
export async function readSeedFile(path: string): Promise<SandboxSeed> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CordformError('sandbox_seed_unreadable', `cannot read seed file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseSeed(text, path);
}

/** Validates a seed given as an object (programmatic API); same error as parseSeed. */
export function assertSeed(value: unknown, what = 'seed'): SandboxSeed {
  const issues = validateSeed(value);
  if (issues.length === 0) return value as SandboxSeed;
  throw seedError(issues, what, () => null);
}

function seedError(
  issues: SeedIssue[],
  file: string,
  where: (issue: SeedIssue) => { line: number; col: number } | null,
): CordformError {
  const lines = issues.map((issue) => {
    const pos = where(issue);
    const prefix = pos ? `${file}:${pos.line}:${pos.col}` : file;
    const path = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return `${prefix}: ${path}${issue.message}`;
  });
  const firstPos = where(issues[0]!);
  return new CordformError('sandbox_seed_invalid', `invalid sandbox seed\n  ${lines.join('\n  ')}`, {
    details: { issues: issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
    ...(firstPos ? { location: { file, line: firstPos.line, column: firstPos.col } } : {}),
  });
}

/** The source position of the node at an issue's path (or of its nearest existing parent). */
function locate(doc: Document, lineCounter: LineCounter, issue: SeedIssue): { line: number; col: number } | null {
  if (issue.atKey && issue.path.length > 0) {
    const parent = doc.getIn(issue.path.slice(0, -1), true);
    const last = issue.path[issue.path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
      const range = isScalar(pair?.key) ? pair.key.range : undefined;
      if (range) return lineCounter.linePos(range[0]);
    }
  }
  for (let length = issue.path.length; length >= 0; length -= 1) {
    const node = doc.getIn(issue.path.slice(0, length), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]);
  }
  return null;
}
