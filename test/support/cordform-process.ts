import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * `bin/cordform` as a real process (it runs the compiled dist/), for tests of what only a
 * process shows: exit codes, signals, several runtimes side by side.
 */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/cordform');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestMtime(path) : (await stat(path)).mtimeMs);
  }
  return newest;
}

/**
 * Compiles src/ (and the validators generated from schema/) into dist/ when a source is
 * newer than the build (`npm test` builds first anyway).
 */
export async function ensureBuilt(): Promise<void> {
  const built = await stat(join(ROOT, 'dist/cli/main.js')).then((s) => s.mtimeMs, () => 0);
  const sources = Math.max(await newestMtime(join(ROOT, 'src')), await newestMtime(join(ROOT, 'schema')));
  if (built >= sources) return;
  // Other folders may be mid-change and fail type checking; tsc still emits, which is all we need.
  await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT }).catch(() => {});
  await promisify(execFile)(process.execPath, ['scripts/build-validators.mjs'], { cwd: ROOT });
}

export interface CordformProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** The exit code, once the process has exited and its output is all read. */
  exited: Promise<number | null>;
  /** The exit code or the signal that ended the process, once its output is all read. */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

interface SpawnOptions {
  cwd?: string;
  /** The child's whole environment besides PATH. */
  env?: Record<string, string>;
}

export function spawnCordform(args: string[], options: SpawnOptions = {}): CordformProcess {
  return spawnNode(BIN, args, options);
}

/** Any node script as a child process (the example servers too), with its output collected. */
export function spawnNode(script: string, args: string[], options: SpawnOptions = {}): CordformProcess {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // 'close' comes after 'exit' once stdout and stderr are drained: the output is complete.
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const exited = ended.then(({ code }) => code);
  const waitFor = async (pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> => {
    const deadline = Date.now() + timeoutMs;
    let done = false;
    void exited.then(() => (done = true));
    for (;;) {
      const found = pattern.exec(stdout);
      if (found) return found;
      if (done || Date.now() > deadline) {
        throw new Error(`no ${pattern} in ${script} ${args.join(' ')} (${done ? 'exited' : 'timed out'})\nstdout: ${stdout.slice(-3000)}\nstderr: ${stderr.slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  return { child, stdout: () => stdout, stderr: () => stderr, waitFor, exited, ended, stop };
}
