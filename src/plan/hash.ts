/** Deterministic content hashes (sha256 of the stable JSON form). */
import { createHash } from 'node:crypto';
import { stableStringify } from './stable-json.js';

export function sha256Json(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}
