import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** schema/manifest.schema.json, from src/manifest/ or dist/manifest/ alike. */
export const MANIFEST_SCHEMA_PATH = fileURLToPath(new URL('../../schema/manifest.schema.json', import.meta.url));

let cachedText: string | undefined;
let cached: Record<string, unknown> | undefined;

/** The schema file's text (its digest selects the precompiled validator, see validate-schema.ts). */
export function loadManifestSchemaText(): string {
  cachedText ??= readFileSync(MANIFEST_SCHEMA_PATH, 'utf8');
  return cachedText;
}

/** The committed JSON Schema (draft 2020-12): the definition of the manifest format. */
export function loadManifestSchema(): Record<string, unknown> {
  cached ??= JSON.parse(loadManifestSchemaText()) as Record<string, unknown>;
  return cached;
}
