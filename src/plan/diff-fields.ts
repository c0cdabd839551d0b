/**
 * The one generic keyed diff (drizzle-kit style): both sides are already in the same
 * canonical shape, so a field changed exactly when its canonical values differ.
 */
import type { FieldDiffs } from './plan-types.js';
import { stableStringify } from './stable-json.js';

export function diffFields<T extends object>(from: T, to: T, fields: readonly (keyof T & string)[]): FieldDiffs {
  const diffs: FieldDiffs = {};
  for (const field of fields) {
    if (stableStringify(from[field]) !== stableStringify(to[field])) {
      diffs[field] = { from: from[field], to: to[field] };
    }
  }
  return diffs;
}
