import { readManifest, type VariableClass } from '../manifest/read-manifest.js';
import type { Manifest } from '../manifest/types.js';
import { registerManifestSecrets } from '../manifest/manifest-secrets.js';
import type { CliIo } from './io.js';

/** The `-f/--file` flag every manifest-reading command takes (repeatable; files or directories). */
export const MANIFEST_FLAGS = {
  file: { type: 'string', short: 'f', multiple: true },
} as const;

export function manifestFiles(values: { file?: string[] | undefined }): string[] {
  return values.file && values.file.length > 0 ? values.file : ['cordform.yaml'];
}

/**
 * Loads the manifest (throws ManifestError with every issue) and registers its secrets for
 * redaction. `needs` says which `${VAR}` classes the command reads (VARIABLE_NEEDS): an
 * unset one of those is an error naming the variable and its file:line:col.
 */
export async function loadManifestFor(files: string[], io: CliIo, needs: readonly VariableClass[]): Promise<Manifest> {
  const manifest = await readManifest({ files, cwd: io.cwd, env: io.env, needs });
  registerManifestSecrets(manifest, io.redactor);
  return manifest;
}
