import { Composer, CST, Lexer, LineCounter, Parser, type Document, type YAMLError } from 'yaml';
import type { SourceLocation } from '../errors.js';
import { findDeepCstNode, findDeepFlowOrInlineNesting, MAX_NESTING } from './guard-nesting.js';
import { issue, type ManifestIssue } from './issues.js';

/**
 * Lexical tokens one file may hold. The parser keeps a few hundred bytes per token (more in
 * flow collections), so this, not the byte limit, bounds its memory: a dense `[1,1,1,…]`
 * has a token every byte, a block manifest one every 3–4 bytes. 100 guilds × 1000
 * webhooks with a name and a channel each is 1.7 million tokens; bigger manifests are
 * split across files.
 */
export const MAX_YAML_TOKENS = 3_000_000;

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
    indexLines(lineCounter, text, deepOffset);
    return { issues: [tooDeep(deepOffset)] };
  }
  const crowdedOffset = offsetPastTokens(text, MAX_YAML_TOKENS);
  if (crowdedOffset !== undefined) {
    indexLines(lineCounter, text, crowdedOffset);
    const message = `manifest has more than ${MAX_YAML_TOKENS} YAML tokens (values, keys, indicators) by here; split it across files (-f DIR reads every *.yaml in DIR)`;
    return { issues: [issue('manifest_too_large', message, at(crowdedOffset))] };
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

/**
 * Where the token past `limit` starts, or undefined when the text has fewer. Only the lexer
 * runs (it keeps nothing), so a hostile file is refused before the parser builds anything;
 * and it runs only when a quick count of the characters cannot rule that out.
 */
function offsetPastTokens(text: string, limit: number): number | undefined {
  if (tokenUpperBound(text) <= limit) return undefined;
  let count = 0;
  let offset = 0;
  for (const lexeme of new Lexer().lex(text)) {
    if (lexeme === CST.DOCUMENT || lexeme === CST.FLOW_END || lexeme === CST.SCALAR) continue; // markers, not text
    if (++count > limit) return offset;
    offset += lexeme.length;
  }
  return undefined;
}

/** Characters that are YAML indicators, by char code. */
const INDICATOR = new Uint8Array(128);
for (const c of '-?:,[]{}#&*!|>\'"%@`') INDICATOR[c.charCodeAt(0)] = 1;

/**
 * At least as many as the lexer's tokens, in one pass over the characters (a tenth of the
 * lexer's time): a run of spaces, or of other text, is at most one token; every other
 * character (line breaks, tabs, indicators) at most one; and an indicator may open an empty
 * token after it (an empty block scalar or flow value). A property test holds it to the lexer.
 */
export function tokenUpperBound(text: string): number {
  let count = 0;
  let previous = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const own = c < 32 || c === 0xfeff || (c < 128 && INDICATOR[c] === 1);
    const kind = own ? 1 : c === 32 ? 0 : 2;
    if (own || kind !== previous) count++;
    if (own && c >= 32) count++;
    previous = kind;
  }
  return count;
}

/** Feeds line starts up to `end` to the counter when the parser did not run (pre-scan refusal). */
function indexLines(lineCounter: LineCounter, text: string, end: number): void {
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
}
