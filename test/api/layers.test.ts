import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Data flows one way: the manifest is read, Discord is read (live state), the planner diffs
 * them, apply writes; the runtime and the sandbox stand beside that flow; the API composes
 * it and the CLI renders it. A folder may import only the folders listed for it, so an
 * import that points upstream (Discord's client reading manifest types, the planner calling
 * apply) fails here instead of growing quietly.
 */
const SHARED = ['errors.ts', 'error-codes.ts', 'redact.ts', 'version.ts', 'schema-validators.ts', 'listen.ts'];
const ALLOWED: Record<string, string[]> = {
  discord: [],
  manifest: [],
  // Plain file-system helpers (atomic replace), for the stages that write files.
  fs: [],
  live: ['discord', 'manifest'],
  plan: ['discord', 'manifest', 'live'],
  apply: ['discord', 'manifest', 'plan'],
  import: ['discord', 'manifest', 'live'],
  runtime: ['discord', 'manifest'],
  sandbox: ['discord', 'fs'],
  action: [],
  api: ['discord', 'manifest', 'live', 'plan', 'apply', 'runtime', 'fs'],
  cli: ['discord', 'manifest', 'live', 'plan', 'apply', 'import', 'runtime', 'sandbox', 'api'],
};

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** `folder` of a path under src/, or the file name for the shared files at its top. */
function area(path: string): string {
  const [first = '', second] = relative(SRC, path).split('/');
  return second === undefined ? first.replace(/\.js$/, '.ts') : first;
}

function upstreamImports(): string[] {
  const wrong: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = area(file);
    if (!(from in ALLOWED)) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = area(normalize(join(dirname(file), match[1]!)));
      if (to === from || SHARED.includes(to) || ALLOWED[from]!.includes(to)) continue;
      wrong.push(`${relative(SRC, file)} imports ${match[1]} (${from} → ${to})`);
    }
  }
  return wrong;
}

describe('source layout', () => {
  it('every folder imports only the folders upstream of it in the data flow', () => {
    expect(upstreamImports()).toEqual([]);
  });

  it('the rule sees every folder under src/', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((folder) => !(folder in ALLOWED))).toEqual([]);
    const files = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    expect(files.filter((file) => !SHARED.includes(file) && file !== 'index.ts')).toEqual([]);
  });
});
