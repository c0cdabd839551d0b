// @ts-check
/**
 * Runs the repository's own cordform (the `cordform-command` input, `npx --no-install
 * cordform` by default) as a child process without a shell. The action depends only on
 * cordform's CLI contract, so it works with whichever cordform version the repository pins.
 */
import { spawn } from 'node:child_process';
import { ActionError } from './context.mjs';

/** @typedef {{ code: number, stdout: string, stderr: string }} CordformRun */

/**
 * The environment cordform runs with: the step's, minus what it must not see — the action's
 * inputs (INPUT_GITHUB-TOKEN is the GitHub token) and the runner's own runtime tokens — and
 * minus GITHUB_ACTIONS, because the action writes the annotations itself (at most 10 per
 * kind) and keeps cordform's stdout a clean plan. CI=true: no prompts, no colour.
 * @param {Record<string, string | undefined>} env
 * @returns {Record<string, string>}
 */
export function cordformEnv(env) {
  /** @type {Record<string, string>} */
  const child = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (name.startsWith('INPUT_') || name === 'GITHUB_ACTIONS' || /^ACTIONS_(RUNTIME|ID_TOKEN_REQUEST|CACHE|RESULTS)_/.test(name)) continue;
    child[name] = value;
  }
  return { ...child, CI: 'true', NO_COLOR: '1' };
}

/**
 * @param {string[]} command  argv prefix that runs cordform
 * @param {string[]} args
 * @param {{ cwd: string, env: Record<string, string>, onStdout?: (text: string) => void }} options
 * @returns {Promise<CordformRun>}
 */
export function runCordform(command, args, options) {
  const [file, ...prefix] = command;
  return new Promise((resolve, reject) => {
    const child = spawn(file ?? '', [...prefix, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) =>
      reject(new ActionError(`cannot run cordform (${command.join(' ')}): ${error.message}; set the cordform-command input, or install cordform (npm ci) before this step`)),
    );
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stdout, stderr }));
  });
}

/**
 * `-f FILE` for each manifest path.
 * @param {string[]} manifests
 */
export function manifestArgs(manifests) {
  return manifests.flatMap((file) => ['-f', file]);
}
