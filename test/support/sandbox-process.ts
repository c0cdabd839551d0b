/**
 * `cordform sandbox` as a real child process (bin/cordform → dist/), for tests that need
 * process-level behaviour: signals, exit codes, SIGKILL in the middle of writes.
 */
import type { ChildProcess } from 'node:child_process';
import { ensureBuilt, ROOT, spawnCordform } from './cordform-process.js';

export { ensureBuilt };
export const root = ROOT;
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
  const sandbox = spawnCordform(['sandbox', '--port', '0', ...args]);
  try {
    const [, port] = await sandbox.waitFor(READY, timeoutMs);
    return { child: sandbox.child, url: `http://127.0.0.1:${port}`, exited: sandbox.ended, stdout: sandbox.stdout, stderr: sandbox.stderr };
  } catch (error) {
    sandbox.child.kill('SIGKILL');
    throw error;
  }
}
