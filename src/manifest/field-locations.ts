import type { SourceLocation } from '../errors.js';
import type { SourceMap } from './source-map.js';

/**
 * Where each field of a normalized declaration was written. Declarations carry only their
 * own `location`; checks after normalization (duplicates, references) use this side table
 * to point at the exact field, e.g. the second `name:` of a duplicate webhook.
 */
export class FieldLocations {
  private readonly entries = new WeakMap<object, { map: SourceMap; pointer: string }>();

  register(declaration: object, map: SourceMap, pointer: string): void {
    this.entries.set(declaration, { map, pointer });
  }

  /** The field's value node (or its key when `part` is 'key'); the declaration itself as fallback. */
  at(declaration: object, field?: string, part: 'key' | 'value' = 'value'): SourceLocation | undefined {
    const entry = this.entries.get(declaration);
    if (!entry) return (declaration as { location?: SourceLocation }).location;
    return field === undefined ? entry.map.locate(entry.pointer) : entry.map.locate(`${entry.pointer}/${field}`, part);
  }

  pointer(declaration: object, field?: string): string | undefined {
    const entry = this.entries.get(declaration);
    if (!entry) return undefined;
    return field === undefined ? entry.pointer : `${entry.pointer}/${field}`;
  }
}
