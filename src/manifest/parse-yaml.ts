import { Composer, LineCounter, Parser, type CST, type Document, type YAMLError } from 'yaml';
import type { SourceLocation } from '../errors.js';
import { findDeepCstNode, findDeepFlowOrInlineNesting, MAX_NESTING } from './guard-nesting.js';
import { issue, type ManifestIssue } from './issues.js';

export interface ParsedYaml {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  text: string;
  file: string;
}

/** Where a character offset of the source is, 1-based like editors show it. */
export function offsetLocation(lineCounter: LineCounter, file: string, offset: number): SourceLocation {
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, column: col };
}

/**
 * Parses one manifest file into a YAML document with source ranges. Reports every YAML
 * syntax error with its position, refuses multi-document files, empty files and nesting
 * deep enough to be an attack (see guard-nesting.ts), and keeps duplicate keys an error.
 */
export function parseYaml(text: string, file: string): { parsed?: ParsedYaml; issues: ManifestIssue[] } {
  const lineCounter = new LineCounter();
  const at = (offset: number) => offsetLocation(lineCounter, file, offset);
  const tooDeep = (offset: number): ManifestIssue =>
    issue('yaml_too_deep', `YAML nests more than ${MAX_NESTING} levels deep here; a manifest never needs that (refused to protect the loader)`, at(offset));

  const deepOffset = findDeepFlowOrInlineNesting(text);
  if (deepOffset !== undefined) {
    indexLines(lineCounter, text);
    return { issues: [tooDeep(deepOffset)] };
  }
  const tokens: CST.Token[] = [...new Parser(lineCounter.addNewLine).parse(text)];
  const deepCst = findDeepCstNode(tokens);
  if (deepCst !== undefined) return { issues: [tooDeep(deepCst)] };

  const docs = [...new Composer({ prettyErrors: false, uniqueKeys: true, strict: true }).compose(tokens, true, text.length)];
  const issues: ManifestIssue[] = [];
  const doc = docs[0];
  if (!doc) return { issues: [issue('manifest_empty', 'manifest is empty; expected a mapping starting with `version: 1`', at(0))] };
  for (const extra of docs.slice(1)) {
    issues.push(issue('yaml_multiple_documents', 'a manifest file holds exactly one YAML document; split the documents after `---` into separate files and pass each with -f', at(extra.range[0])));
  }
  for (const error of doc.errors) issues.push(yamlIssue(error, text, at, 'error'));
  for (const warning of doc.warnings) issues.push(yamlIssue(warning, text, at, 'warning'));
  if (doc.contents === null && doc.errors.length === 0) {
    issues.push(issue('manifest_empty', 'manifest is empty; expected a mapping starting with `version: 1`', at(0)));
  }
  return { parsed: { doc, lineCounter, text, file }, issues };
}

function yamlIssue(
  error: YAMLError,
  text: string,
  at: (offset: number) => SourceLocation,
  severity: 'error' | 'warning',
): ManifestIssue {
  const [start] = error.pos;
  const code = `yaml_${error.code.toLowerCase()}`;
  if (error.code === 'DUPLICATE_KEY') {
    // yaml marks only the key's first character; read the key up to its `:`.
    const key = /^("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^:\n]*)/.exec(text.slice(start, start + 200))?.[1]?.trim() ?? '';
    return issue(code, `duplicate key ${JSON.stringify(key)}: each key may appear once in a mapping`, at(start), { severity });
  }
  const message = error.message.replace(/\s+at line \d+, column \d+:?[\s\S]*$/, '');
  return issue(code, `YAML ${severity === 'error' ? 'syntax error' : 'warning'}: ${message}`, at(start), { severity });
}

/** Feeds line starts to the counter when the parser did not run (pre-scan refusal). */
function indexLines(lineCounter: LineCounter, text: string): void {
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
}
