/**
 * The one generic keyed diff (drizzle-kit style): both sides are already in the same
 * canonical shape, so a field changed exactly when its canonical values differ.
 */
import type { FieldDiffs } from './plan-types.js';
import { stableStringify } from './stable-json.js';

export function diffFields<T extends object>(from: T, to: T, fields: readonly (keyof T & string)[]): FieldDiffs {
  const diffs: FieldDiffs = {};
  for (const field of fields) {
    if (!sameValue(from[field], to[field])) {
      diffs[field] = { from: from[field], to: to[field] };
    }
  }
  return diffs;
}

/** Primitives compare directly; only structured values (command options) need canonical JSON. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return stableStringify(a) === stableStringify(b);
}
