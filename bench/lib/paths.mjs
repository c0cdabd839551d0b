import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root; bench scripts import the BUILT code (npm run bench builds first). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'cordform');

/** `await dist('api/client.js')` imports dist/api/client.js. */
export function dist(relative) {
  return import(pathToFileURL(path.join(ROOT, 'dist', relative)).href);
}

/** A scratch directory, removed by the returned function. */
export function scratchDir(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), `cordform-bench-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
