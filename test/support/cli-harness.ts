/**
 * End-to-end harness: a sandbox on 127.0.0.1:0 plus the real CLI run in-process through
 * `runCli` (the same code path as bin/cordform, with output collected and redacted).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { createMemoryIo } from '../../src/cli/io.js';
import type { APIWebhook } from '../../src/discord/types.js';
import { DEFAULT_SEED, startSandbox, type Sandbox, type SandboxOptions, type SandboxSeed } from '../../src/sandbox/server.js';

export {
  DEFAULT_BOT_TOKEN as BOT_TOKEN,
  OTHER_BOT_TOKEN,
  DEFAULT_BOT_ID as BOT_ID,
  OTHER_BOT_ID,
  DEFAULT_GUILD_ID as GUILD,
  GENERAL_CHANNEL_ID as GENERAL,
  DEPLOYS_CHANNEL_ID as DEPLOYS,
} from '../../src/sandbox/server.js';
import { DEFAULT_BOT_TOKEN as BOT_TOKEN, DEFAULT_GUILD_ID as GUILD } from '../../src/sandbox/server.js';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Harness {
  sandbox: Sandbox;
  dir: string;
  env: Record<string, string>;
  /** Writes a manifest file into the temp dir and returns its path. */
  manifest(yaml: string, name?: string): Promise<string>;
  /** Runs the CLI in the temp dir; `bareEnv` runs it with only `env` (no token, no API base). */
  cli(args: string[], options?: { env?: Record<string, string>; bareEnv?: boolean; interactive?: boolean; answer?: boolean }): Promise<CliRun>;
  /** Every webhook in the sandbox, with tokens (admin view). */
  webhooks(): Promise<APIWebhook[]>;
  /** Discord API requests since the last `clearRequests()`, admin routes excluded. */
  requests(): ReturnType<Sandbox['requests']>;
  writes(): ReturnType<Sandbox['requests']>;
  clearRequests(): Promise<void>;
  /**
   * Calls the sandbox's Discord API as some bot (for out-of-band changes); `headers` e.g.
   * `{'X-Audit-Log-Reason': encodeURIComponent('why')}`. Changes by a person (no token) go
   * through the admin API: see docs/sandbox.md "Writes as another member".
   */
  api(method: string, path: string, body?: unknown, token?: string, headers?: Record<string, string>): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

/** A seed with `count` extra text channels (ids 1000000000000001NN) in the default guild. */
export function seedWithChannels(count: number): SandboxSeed {
  const base = structuredClone(DEFAULT_SEED) as SandboxSeed;
  const guild = base.guilds[0]!;
  for (let i = 0; i < count; i++) {
    guild.channels.push({ id: channelId(i), name: `channel-${i}`, type: 0, position: 10 + i });
  }
  return base;
}

export function channelId(index: number): string {
  return `1000000000000001${String(index).padStart(2, '0')}`;
}

export interface CliWorkspace {
  dir: string;
  env: Record<string, string>;
  write(name: string, text: string): Promise<string>;
  run(args: string[], extraEnv?: Record<string, string>): Promise<CliRun>;
  cleanup(): Promise<void>;
}

/** A temp directory and an environment pointing the CLI at `sandbox`, for in-process runs. */
export async function cliWorkspace(sandbox: Sandbox, token = BOT_TOKEN): Promise<CliWorkspace> {
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
    run: (args, extraEnv = {}) => runInProcess(args, { cwd: dir, env: { ...env, ...extraEnv } }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

async function runInProcess(
  args: string[],
  options: { cwd: string; env: Record<string, string>; interactive?: boolean; answer?: boolean },
): Promise<CliRun> {
  const io = createMemoryIo(options);
  const code = await runCli(args, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** API requests (not the admin API) that wrote something. */
export function writes(sandbox: Sandbox) {
  return sandbox.requests().filter((r) => r.method !== 'GET' && !r.path.startsWith('/__sandbox'));
}

export async function startHarness(options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({ rateLimits: 'off', ...options });
  const workspace = await cliWorkspace(sandbox);
  let since = 0;
  const requests = () => sandbox.requests().slice(since).filter((r) => !r.path.startsWith('/__sandbox'));
  return {
    sandbox,
    dir: workspace.dir,
    env: workspace.env,
    manifest: (yaml, name = 'cordform.yaml') => workspace.write(name, yaml),
    cli: (args, opts = {}) =>
      runInProcess(args, {
        cwd: workspace.dir,
        env: { ...(opts.bareEnv ? {} : workspace.env), ...opts.env },
        interactive: opts.interactive ?? false,
        answer: opts.answer ?? false,
      }),
    async webhooks() {
      const response = await fetch(`${sandbox.url}/__sandbox/webhooks`);
      return (await response.json()) as APIWebhook[];
    },
    requests,
    writes: () => requests().filter((r) => r.method !== 'GET'),
    async clearRequests() {
      since = sandbox.requests().length;
    },
    async api(method, path, body, token = BOT_TOKEN, headers = {}) {
      const response = await fetch(`${sandbox.apiBase}${path}`, {
        method,
        headers: { authorization: `Bot ${token}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null };
    },
    async close() {
      await sandbox.close();
      await workspace.cleanup();
    },
  };
}

/** A manifest for the default guild from `webhooks` lines (already indented YAML items). */
export function manifestYaml(webhooks: { name: string; channel: string; extra?: string }[], guildExtra = ''): string {
  const items = webhooks
    .map((w) => `      - name: ${JSON.stringify(w.name)}\n        channel: "${w.channel}"${w.extra ? `\n${w.extra}` : ''}`)
    .join('\n');
  return `version: 1\ndiscord:\n  token: \${DISCORD_BOT_TOKEN}\nguilds:\n  - id: "${GUILD}"\n${guildExtra}    webhooks:\n${items || '      []'}\n`;
}
