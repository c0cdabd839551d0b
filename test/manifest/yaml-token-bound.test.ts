import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CST, Lexer } from 'yaml';
import { tokenUpperBound } from '../../src/manifest/parse-yaml.js';
import { fuzzRuns } from '../support/fuzz.js';

/**
 * The token limit skips the lexer's pass when a quick count of the characters proves a file
 * under it. That count must never be below the lexer's, whatever the text, or a file over
 * the limit would reach the parser.
 */
function lexerTokens(text: string): number {
  let count = 0;
  for (const lexeme of new Lexer().lex(text)) if (lexeme !== CST.DOCUMENT && lexeme !== CST.FLOW_END && lexeme !== CST.SCALAR) count++;
  return count;
}

const yamlish = fc.string({ unit: fc.constantFrom(...'ab1 .\t\n\r-?:,[]{}#&*!|>\'"%@`\\~=\uFEFF\u0002\u001f\u0018é😀'.split('')), maxLength: 200 });

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? yamlFiles(join(dir, entry.name)) : /\.ya?ml$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

describe('tokenUpperBound', () => {
  it('is never below the lexer count, for any text of YAML characters', () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        expect(tokenUpperBound(text)).toBeGreaterThanOrEqual(lexerTokens(text));
      }),
      { numRuns: fuzzRuns(20_000) },
    );
  });

  it('is never below the lexer count on every manifest in the repository', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const files = [...yamlFiles(join(root, 'examples')), ...yamlFiles(join(root, 'test/fixtures'))];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect({ file, bound: tokenUpperBound(text) >= lexerTokens(text) }).toEqual({ file, bound: true });
    }
  });

  it('stays under twice the lexer count on a block manifest, so big manifests skip the lexer pass', () => {
    const lines = ['version: 1', 'guilds:', '  - id: "300000000000000000"', '    webhooks:'];
    for (let w = 0; w < 1000; w++) lines.push(`      - name: hook-${w}`, `        channel: "4000000000000000${String(w % 67).padStart(2, '0')}"`);
    const text = `${lines.join('\n')}\n`;
    expect(tokenUpperBound(text)).toBeLessThan(2 * lexerTokens(text));
  });
});
