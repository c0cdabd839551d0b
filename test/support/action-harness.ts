/**
 * Runs the GitHub Action's entry point the way the runner does: a `node` child process
 * with every input as `INPUT_<NAME>` (defaults from action.yml, hyphens kept), a
 * `pull_request` event payload for PR 7 of acme/community at GITHUB_EVENT_PATH, fresh
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files per step, GITHUB_API_URL pointing at a
 * local GitHub REST stand-in, and cordform itself (bin/cordform) against a sandbox.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { BOT_TOKEN, cliWorkspace } from './cli-harness.js';
import { GITHUB_TOKEN, startFakeGitHub, type FakeGitHub } from './github-api-server.js';

const REPOSITORY = 'acme/community';
export const PULL_REQUEST = 7;
export const HEAD_SHA = '7e57ab1e0123456789abcdef0123456789abcdef';
export const RUN_URL = 'https://github.example/acme/community/actions/runs/4242';
const ACTION_YML = fileURLToPath(new URL('../../action.yml', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CORDFORM_BIN = join(ROOT, 'bin', 'cordform');

export interface ActionYml {
  runs: { using: string; main: string };
  inputs: Record<string, { default?: string; required?: boolean; description: string }>;
  outputs: Record<string, { description: string }>;
}

interface ActionStep {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface ActionHarness {
  dir: string;
  sandbox: Sandbox;
  github: FakeGitHub;
  /** `node bin/cordform` as a cordform-command value. */
  cordformCommand: string;
  write(name: string, text: string): Promise<string>;
  /** One step running the action with these inputs (others from action.yml's defaults). */
  run(inputs: Record<string, string>, env?: Record<string, string>): Promise<ActionStep>;
  /** Every step so far (for the secret scan). */
  steps: ActionStep[];
  close(): Promise<void>;
}

export async function readActionYml(): Promise<ActionYml> {
  return parse(await readFile(ACTION_YML, 'utf8')) as ActionYml;
}

export async function startActionHarness(): Promise<ActionHarness> {
  const action = await readActionYml();
  const sandbox = await startSandbox({ rateLimits: 'off' });
  const github = await startFakeGitHub(REPOSITORY, PULL_REQUEST);
  const workspace = await cliWorkspace(sandbox);
  const dir = workspace.dir;
  const eventPath = join(dir, 'event.json');
  await writeFile(eventPath, JSON.stringify(pullRequestEvent()));
  const cordformCommand = `"${process.execPath}" "${CORDFORM_BIN}"`;
  const steps: ActionStep[] = [];
  let count = 0;

  return {
    dir,
    sandbox,
    github,
    cordformCommand,
    steps,
    write: workspace.write,
    async run(inputs, env = {}) {
      const n = ++count;
      const outputFile = join(dir, `github-output-${n}`);
      const summaryFile = join(dir, `step-summary-${n}`);
      await writeFile(outputFile, '');
      await writeFile(summaryFile, '');
      const given = { 'cordform-command': cordformCommand, ...inputs };
      const childEnv: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        ...inputEnv(action, given),
        GITHUB_ACTIONS: 'true',
        CI: 'true',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REPOSITORY: REPOSITORY,
        GITHUB_API_URL: github.apiUrl,
        GITHUB_SERVER_URL: 'https://github.example',
        GITHUB_RUN_ID: '4242',
        GITHUB_SHA: '1111111111111111111111111111111111111111',
        GITHUB_WORKSPACE: dir,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        DISCORD_BOT_TOKEN: BOT_TOKEN,
        CORDFORM_API_BASE: sandbox.apiBase,
        ...env,
      };
      const { code, stdout, stderr } = await runNode([join(ROOT, action.runs.main)], dir, childEnv);
      const step = {
        code,
        stdout,
        stderr,
        outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
        summary: await readFile(summaryFile, 'utf8'),
      };
      steps.push(step);
      return step;
    },
    async close() {
      await github.close();
      await sandbox.close();
      await workspace.cleanup();
    },
  };
}

/**
 * INPUT_<NAME> for every input: the runner upper-cases the name and keeps hyphens, and
 * passes each input's default when the workflow does not set it.
 */
function inputEnv(action: ActionYml, given: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    const fallback = spec.default === '${{ github.token }}' ? GITHUB_TOKEN : (spec.default ?? '');
    env[`INPUT_${name.toUpperCase()}`] = given[name] ?? fallback;
  }
  for (const name of Object.keys(given)) {
    if (!(name in action.inputs)) throw new Error(`action.yml declares no input "${name}"`);
  }
  return env;
}

function runNode(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Reads GITHUB_OUTPUT as the runner does: `name=value` lines or `name<<DELIMITER` … a line
 * that is exactly DELIMITER. Anything else is an error (the runner fails the step).
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end === -1) throw new Error(`GITHUB_OUTPUT: no closing delimiter for ${heredoc[1]}`);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const pair = /^([^=]+)=(.*)$/.exec(line);
    if (!pair) throw new Error(`GITHUB_OUTPUT: invalid line ${JSON.stringify(line)}`);
    outputs[pair[1]!] = pair[2]!;
  }
  return outputs;
}

/** The parts of a pull_request event the action reads, in GitHub's shape. */
function pullRequestEvent() {
  return {
    action: 'synchronize',
    number: PULL_REQUEST,
    pull_request: {
      number: PULL_REQUEST,
      head: { sha: HEAD_SHA, ref: 'add-webhooks', repo: { full_name: REPOSITORY } },
      base: { ref: 'main', repo: { full_name: REPOSITORY } },
    },
    repository: { full_name: REPOSITORY, name: 'community', owner: { login: 'acme' } },
  };
}

/** Lines the runner consumes (`::add-mask::`) never reach the log; everything else does. */
export function visibleLog(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

/**
 * The workflow commands the runner would act on: lines starting with `::`, except those
 * between `::stop-commands::TOKEN` and `::TOKEN::`.
 */
export function workflowCommands(stdout: string): string[] {
  const commands: string[] = [];
  let stopped: string | null = null;
  for (const line of stdout.split('\n')) {
    if (stopped !== null) {
      if (line === `::${stopped}::`) stopped = null;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(line);
    if (stop) stopped = stop[1]!;
    else if (line.startsWith('::')) commands.push(line);
  }
  return commands;
}

/** `::KIND file=…,line=…,col=…,title=…::message` commands of a step's stdout. */
export function annotations(stdout: string, kind: 'error' | 'warning' | 'notice'): string[] {
  return workflowCommands(stdout).filter((line) => line.startsWith(`::${kind} `) || line.startsWith(`::${kind}::`));
}
