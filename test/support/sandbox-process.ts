/**
 * `cordform sandbox` as a real child process (bin/cordform → dist/), for tests that need
 * process-level behaviour: signals, exit codes, SIGKILL in the middle of writes.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const bin = join(root, 'bin/cordform');
export const READY = /^sandbox listening on http:\/\/127\.0\.0\.1:(\d+)\n$/;

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestMtime(path) : (await stat(path)).mtimeMs);
  }
  return newest;
}

/** `tsc -p tsconfig.build.json` when dist/ is older than src/sandbox (the bin imports dist/cli/main.js). */
export async function ensureBuilt(): Promise<void> {
  const built = await stat(join(root, 'dist/sandbox/server.js')).then((s) => s.mtimeMs, () => 0);
  const sources = Math.max(
    await newestMtime(join(root, 'src/sandbox')),
    (await stat(join(root, 'src/cli/commands/sandbox.ts'))).mtimeMs,
    await newestMtime(join(root, 'schema')),
  );
  if (built >= sources) return;
  // Other folders may be mid-change and fail type checking; tsc still emits, which is all we need.
  await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root }).catch(() => {});
}

export interface SandboxProcess {
  child: ChildProcess;
  /** http://127.0.0.1:PORT */
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

/** Starts `cordform sandbox --port 0 ARGS…` and waits for its ready line (rejects with its output if it exits first). */
export async function startSandboxProcess(args: string[], timeoutMs = 10_000): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [bin, 'sandbox', '--port', '0', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + timeoutMs;
  while (!READY.test(stdout)) {
    if (done || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sandbox did not start: ${stdout}${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, url: `http://127.0.0.1:${READY.exec(stdout)![1]}`, exited, stdout: () => stdout, stderr: () => stderr };
}
