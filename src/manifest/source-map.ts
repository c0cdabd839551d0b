import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourceLocation } from '../errors.js';

/**
 * Maps JSON pointers (ajv's `instancePath`, our issue paths) back to YAML nodes and their
 * `file:line:col`, through the document's source ranges and a LineCounter. Aliases are
 * followed to their anchor, so an error inside aliased data points at the anchored text.
 */
export class SourceMap {
  constructor(
    readonly doc: Document.Parsed,
    readonly lineCounter: LineCounter,
    readonly file: string,
    readonly text: string,
  ) {}

  locateOffset(offset: number): SourceLocation {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, column: col };
  }

  locationOfNode(node: Node): SourceLocation {
    return this.locateOffset(node.range?.[0] ?? 0);
  }

  /**
   * The node at `pointer`: its key node when `part` is 'key' (unknown keys, duplicate
   * names), else its value node. Falls back to the deepest node that exists, so a missing
   * property points at the mapping that lacks it, and an empty value at its key.
   */
  nodeAt(pointer: string, part: 'key' | 'value' = 'value'): Node | undefined {
    let current: unknown = this.doc.contents;
    const segments = parsePointer(pointer);
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      const last = i === segments.length - 1;
      const node = this.resolve(current);
      if (isMap(node)) {
        const pair = node.items.find((item) => keyString(this.resolve(item.key)) === segment);
        if (!pair) return node;
        if (last && part === 'key') return pair.key as Node;
        const value = this.resolve(pair.value);
        if (value === null || value === undefined) return pair.key as Node;
        current = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)];
        if (item === undefined || item === null) return node;
        current = item;
      } else {
        return node ?? undefined;
      }
    }
    return (this.resolve(current) as Node | null) ?? undefined;
  }

  locate(pointer: string, part: 'key' | 'value' = 'value'): SourceLocation {
    const node = this.nodeAt(pointer, part);
    return node ? this.locationOfNode(node) : this.locateOffset(0);
  }

  /** The node's text exactly as written (e.g. the digits of an unquoted id). */
  sourceText(node: Node): string | undefined {
    const range = node.range;
    return range ? this.text.slice(range[0], range[1]) : undefined;
  }

  private resolve(value: unknown): Node | null | undefined {
    if (isAlias(value)) return (value.resolve(this.doc) as Node | undefined) ?? undefined;
    return value as Node | null | undefined;
  }
}

function keyString(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/** RFC 6901: `/a~1b/0` → ['a/b', '0']. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function joinPointer(base: string, ...segments: (string | number)[]): string {
  return base + segments.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** `/guilds/0/webhooks/1/name` → `guilds[0].webhooks[1].name`, how people read paths. */
export function pointerToDotted(pointer: string): string {
  let out = '';
  for (const segment of parsePointer(pointer)) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(top level)' : out;
}
