import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readActionYml } from '../support/action-harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('action.yml', () => {
  it('is a JavaScript action on Node 24 with the documented inputs and outputs', async () => {
    const action = await readActionYml();
    expect(action.runs).toEqual({ using: 'node24', main: 'src/action/main.mjs' });
    const defaults = Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, spec.default]));
    expect(defaults).toEqual({
      mode: 'plan',
      manifest: 'cordform.yaml',
      'cordform-command': 'npx --no-install cordform',
      comment: 'update',
      'github-token': '${{ github.token }}',
      'plan-file': '',
    });
    expect(Object.keys(action.outputs)).toEqual(['changes', 'to_create', 'to_update', 'to_move', 'to_delete', 'to_replace', 'plan_path', 'exitcode', 'drift_issue']);
  });

  it('the entry point needs no install step: it imports only Node built-ins and its own files', async () => {
    const action = await readActionYml();
    const folder = dirname(join(ROOT, action.runs.main));
    const files = (await readdir(folder)).filter((file) => file.endsWith('.mjs'));
    expect(files).toContain('main.mjs');
    for (const file of files) {
      const source = await readFile(join(folder, file), 'utf8');
      const specifiers = [...source.matchAll(/(?:^|\n)\s*import\s[^'"]*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2]);
      for (const specifier of specifiers) expect(`${file}: ${specifier}`).toMatch(/: (node:[a-z/_]+|\.\/[a-z-]+\.mjs)$/);
    }
  });

  it('runs from a bare copy of the action folder, with no node_modules anywhere', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cordform-action-bare-'));
    try {
      await cp(join(ROOT, 'src', 'action'), join(dir, 'action'), { recursive: true });
      const run = promisify(execFile)(process.execPath, [join(dir, 'action', 'main.mjs')], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', INPUT_MODE: 'destroy' },
      });
      const failure = await run.then(
        () => null,
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(failure).toMatchObject({ code: 1, stderr: '' });
      expect(failure!.stdout).toBe('::error::cordform action: input mode must be one of plan, apply, check; got "destroy"\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
