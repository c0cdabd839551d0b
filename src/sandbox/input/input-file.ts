import { readFile } from 'node:fs/promises';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { CordformError, type ErrorCode } from '../../errors.js';
import { describeSchemaErrors, dottedPath, type InputIssue } from './input-issues.js';
import { schemaErrors, type SandboxInputKind } from './validators.js';

/**
 * Reading a sandbox input (seed, fault set, rate-limit profile): YAML or JSON text, checked
 * against its JSON Schema and then by the caller's own rules (cross references), with every
 * problem reported at once as `file:line:col: path: message` in one CordformError. Positions
 * come from the YAML document's source ranges and a LineCounter, as for the manifest.
 */
export interface InputSource {
  /** The file name (or `seed`, `rateLimits`… for values given in code). */
  name: string;
  /** Where an issue's path is written; null when there is no text (values given in code). */
  locate(issue: InputIssue): { line: number; col: number } | null;
}

export interface InputKind {
  kind: SandboxInputKind;
  /** The CordformError code, e.g. `sandbox_seed_invalid`. */
  code: ErrorCode;
  /** The first line of the message, e.g. `invalid sandbox seed`. */
  title: string;
}

/** A value given in code: problems are named by path only. */
export const codeSource = (name: string): InputSource => ({ name, locate: () => null });

/** Parses YAML (JSON is YAML); a syntax error is reported at its position. */
export function parseInputText(text: string, file: string, kind: InputKind): { value: unknown; source: InputSource } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = lineCounter.linePos(first.pos[0]);
    throw new CordformError(kind.code, `${file}:${pos.line}:${pos.col}: ${first.message}`, {
      location: { file, line: pos.line, column: pos.col },
    });
  }
  return {
    value: doc.toJS({ maxAliasCount: 100 }),
    source: { name: file, locate: (issue) => locate(doc, lineCounter, issue) },
  };
}

/** Reads a file's text; a missing or unreadable file is `code_unreadable` naming it. */
export async function readInputText(path: string, code: ErrorCode, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CordformError(code, `cannot read ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Checks `value` against the kind's schema, then (only when that passes, so the value has
 * its shape) against `rules`. Returns the value typed, or throws one error listing every issue.
 */
export function checkInput<T>(value: unknown, kind: InputKind, source: InputSource, rules: (value: T) => InputIssue[] = () => []): T {
  const issues = describeSchemaErrors(schemaErrors(kind.kind, value));
  if (issues.length === 0) issues.push(...rules(value as T));
  if (issues.length === 0) return value as T;
  throw inputError(kind, source, issues);
}

function inputError(kind: InputKind, source: InputSource, issues: readonly InputIssue[]): CordformError {
  const lines = issues.map((issue) => {
    const pos = source.locate(issue);
    return `${pos ? `${source.name}:${pos.line}:${pos.col}` : source.name}: ${dottedPath(issue.path)}: ${issue.message}`;
  });
  const first = source.locate(issues[0]!);
  return new CordformError(kind.code, `${kind.title}\n  ${lines.join('\n  ')}`, {
    details: { issues: issues.map((issue) => ({ path: dottedPath(issue.path), message: issue.message })) },
    ...(first ? { location: { file: source.name, line: first.line, column: first.col } } : {}),
  });
}

/** The position of the node at an issue's path (its key for unknown keys), or of its nearest existing parent. */
function locate(doc: Document, lineCounter: LineCounter, issue: InputIssue): { line: number; col: number } | null {
  if (issue.atKey && issue.path.length > 0) {
    const parent = doc.getIn(issue.path.slice(0, -1), true);
    const last = issue.path[issue.path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(last));
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
