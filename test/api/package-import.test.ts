import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { BOT_TOKEN, DEPLOYS, GENERAL, manifestYaml } from '../support/cli-harness.js';
import { ensureBuilt } from '../support/cordform-process.js';

/**
 * cordform as a library, the way a program uses it: a scratch package whose
 * node_modules/cordform is this repository imports the package by name — through
 * package.json `exports`, from the built dist/ — and runs plan → apply → plan.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

describe("import … from 'cordform'", () => {
  let sandbox: Sandbox;
  let dir: string;
  beforeAll(async () => {
    await ensureBuilt();
    sandbox = await startSandbox({ rateLimits: 'off' });
    dir = await mkdtemp(join(tmpdir(), 'cordform-consumer-'));
    await mkdir(join(dir, 'node_modules'));
    await symlink(ROOT, join(dir, 'node_modules', 'cordform'), 'dir');
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  }, 120_000);
  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('package.json declares exports with types', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    await expect(readFile(join(ROOT, 'dist/index.d.ts'), 'utf8')).resolves.toContain('export declare function plan(');
  });

  it('loadManifest, plan (2 changes), apply, plan again (0 changes) against the sandbox', async () => {
    await writeFile(join(dir, 'cordform.yaml'), manifestYaml([{ name: 'Deploys', channel: '#deploys' }, { name: 'Alerts', channel: GENERAL }]));
    await writeFile(
      join(dir, 'main.mjs'),
      `import { loadManifest, plan, apply, check, CordformError } from 'cordform';
const manifest = await loadManifest('cordform.yaml');
const first = await plan(manifest);
const events = [];
const result = await apply(first, { onEvent: (event) => events.push(event.type) });
const second = await plan(manifest);
const drift = await check(manifest);
let refused = null;
try { await apply({ ...first }); } catch (error) { refused = error instanceof CordformError ? error.code : String(error); }
console.log(JSON.stringify({ first: first.changes.length, status: result.status, done: result.counts.done, events: [...new Set(events)], second: second.changes.length, drift: drift.status, refused }));
`,
    );
    const { stdout } = await run(process.execPath, ['main.mjs'], {
      cwd: dir,
      env: { ...process.env, DISCORD_BOT_TOKEN: BOT_TOKEN, CORDFORM_API_BASE: sandbox.apiBase },
    });
    expect(JSON.parse(stdout)).toEqual({
      first: 2,
      status: 'applied',
      done: 2,
      events: ['phase_started', 'change_started', 'change_finished'],
      second: 0,
      drift: 'in_sync',
      refused: 'api_usage',
    });
    expect(sandbox.state.webhooks.all().map((w) => w.channel_id).sort()).toEqual([GENERAL, DEPLOYS].sort());
  }, 60_000);

  it('TypeScript programs get the types (tsc --noEmit on a consumer)', async () => {
    await writeFile(
      join(dir, 'typed.ts'),
      `import { loadManifest, plan, type Plan, type ErrorCode, CordformError } from 'cordform';
const manifest = await loadManifest(['cordform.yaml'], { env: {} });
const proposed: Plan = await plan(manifest, { targets: ['Deploys'] });
const code: ErrorCode = 'plan_stale';
export const summary: number = proposed.summary.create + (new CordformError(code, 'x').code === 'plan_stale' ? 1 : 0);
`,
    );
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['typed.ts'] }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir }).catch((error: { stdout: string }) => error);
    expect('stdout' in result ? result.stdout : '').toBe('');
  }, 60_000);
});
