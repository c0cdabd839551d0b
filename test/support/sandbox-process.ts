/**
 * `cordform sandbox` as a real child process (bin/cordform → dist/), for tests that need
 * process-level behaviour: signals, exit codes, SIGKILL in the middle of writes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt, ROOT } from './cordform-process.js';

export { ensureBuilt };
export const root = ROOT;
export const bin = join(root, 'bin/cordform');
export const READY = /^sandbox listening on http:\/\/127\.0\.0\.1:(\d+)\n$/;

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
