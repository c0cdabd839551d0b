/**
 * Runs CLI commands in-process against a sandbox: a temp directory for manifests and plan
 * files, `CORDFORM_API_BASE` pointing at the sandbox, and the bot token in the environment.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryIo } from '../../../src/cli/io.js';
import { runCli } from '../../../src/cli/main.js';
import type { Sandbox } from '../../../src/sandbox/server.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliWorkspace {
  dir: string;
  env: Record<string, string>;
  write(name: string, text: string): Promise<string>;
  run(args: string[], extraEnv?: Record<string, string>): Promise<CliRun>;
  cleanup(): Promise<void>;
}

export async function cliWorkspace(sandbox: Sandbox, token = 'sandbox-bot-token'): Promise<CliWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), 'cordform-cli-'));
  const env = { DISCORD_BOT_TOKEN: token, CORDFORM_API_BASE: sandbox.apiBase, CI: 'true' };
  return {
    dir,
    env,
    write: async (name, text) => {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    },
    run: async (args, extraEnv = {}) => {
      const io = createMemoryIo({ cwd: dir, env: { ...env, ...extraEnv } });
      const code = await runCli(args, io);
      return { code, stdout: io.stdout(), stderr: io.stderr() };
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** API requests (not the admin API) that wrote something. */
export function writes(sandbox: Sandbox) {
  return sandbox.requests().filter((r) => r.method !== 'GET');
}

/** Admin-API reset: back to the seed, request log cleared. */
export function resetSandbox(sandbox: Sandbox): void {
  sandbox.reset();
}
