import { Document, LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SourceMap } from '../../src/manifest/source-map.js';
import { aliasExpansions, MAX_ALIAS_EXPANSIONS, toData } from '../../src/manifest/to-data.js';

/** The alias guard counts what aliases add when expanded; values written out never count. */
const parsed = (text: string) => parseDocument(text, { uniqueKeys: true });

describe('aliasExpansions', () => {
  it('is 0 for a document without aliases, however large', () => {
    expect(aliasExpansions(parsed('a: [1, 2, {b: 3}]\nc: &x {d: 4}\n'))).toBe(0);
  });

  it('counts each alias as the expanded size of the node it names, keys included', () => {
    // &x is a mapping with one pair: the map, its key and its value = 3 values, used twice.
    expect(aliasExpansions(parsed('x: &x {d: 4}\ny: *x\nz: [*x]\n'))).toBe(6);
    expect(aliasExpansions(parsed('x: &x 1\ny: [*x, *x, *x]\n'))).toBe(3);
  });

  it('counts nested aliases multiplied out, without expanding them', () => {
    const layers = ['l0: &l0 "lol"'];
    for (let layer = 1; layer <= 10; layer++) layers.push(`l${layer}: &l${layer} [${Array.from({ length: 100 }, () => `*l${layer - 1}`).join(', ')}]`);
    // Layer 10 alone expands to 100^10 strings: the count is enormous, and instant.
    const started = performance.now();
    expect(aliasExpansions(parsed(layers.join('\n')))).toBeGreaterThan(1e20);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('follows YAML: an alias names the last node anchored before it', () => {
    // The second &x (one value) is the one *x names, not the first (four values).
    expect(aliasExpansions(parsed('a: &x [1, 2, 3]\nb: &x 1\nc: *x\n'))).toBe(1);
  });

  it('an alias inside the node it names expands without end', () => {
    expect(aliasExpansions(parsed('a: &x [1, *x]\n'))).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('toData', () => {
  const mapOf = (doc: Document) => new SourceMap(doc as Document.Parsed, new LineCounter(), 'big.yaml', '');

  it('reads a document of 100 guilds × 1000 webhooks (400,000 values, no alias) as data', () => {
    const guilds = Array.from({ length: 100 }, (_, g) => ({
      id: String(g),
      webhooks: Array.from({ length: 1000 }, (_, w) => ({ name: `hook-${w}`, channel: String(w % 100) })),
    }));
    const doc = new Document({ version: 1, guilds });
    const { data, issues } = toData(doc as Document.Parsed, mapOf(doc));
    expect(issues).toEqual([]);
    expect((data as { guilds: unknown[] }).guilds).toHaveLength(100);
  });

  it('refuses aliases that expand past the limit, at the first alias', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const uses = Array.from({ length: Math.ceil(MAX_ALIAS_EXPANSIONS / 1000) + 1 }, (_, i) => `k${i}: *big`).join('\n');
    const text = `big: &big ${JSON.stringify(items)}\n${uses}\n`;
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter });
    const { data, issues } = toData(doc, new SourceMap(doc, lineCounter, 'wide.yaml', text));
    expect(data).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ code: 'yaml_alias_limit', location: { file: 'wide.yaml', line: 2, column: 5 } })]);
    expect(issues[0]!.message).toMatch(/aliases expand to more than 200000 values; refused as a possible alias bomb/);
  });
});
