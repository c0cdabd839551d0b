// @ts-check
/**
 * What the runner hands a JavaScript action: each input as an `INPUT_<NAME>` variable (the
 * name upper-cased, spaces turned into underscores, hyphens kept — `INPUT_CORDFORM-COMMAND`),
 * the event payload in the file at GITHUB_EVENT_PATH, and the repository, API URL and run
 * ids as GITHUB_* variables.
 * https://docs.github.com/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions#inputs
 * https://docs.github.com/actions/reference/workflows-and-actions/variables#default-environment-variables
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const MODES = /** @type {const} */ (['plan', 'apply', 'check']);
const COMMENT_MODES = /** @type {const} */ (['update', 'new', 'off']);

/** @typedef {typeof MODES[number]} Mode */
/** @typedef {typeof COMMENT_MODES[number]} CommentMode */
/** @typedef {Record<string, string | undefined>} Env */

/**
 * @typedef {object} ActionInputs
 * @property {Mode} mode
 * @property {string[]} manifests   manifest paths (`-f` each), in the order given
 * @property {string[]} command     argv that runs cordform
 * @property {CommentMode} comment
 * @property {string} token         GitHub token ('' = none)
 * @property {string} planFile      '' = not given
 */

/**
 * @typedef {object} GitHubContext
 * @property {string} eventName
 * @property {{ owner: string, repo: string } | null} repository
 * @property {string} apiUrl          GITHUB_API_URL without a trailing slash (GitHub Enterprise: https://HOST/api/v3)
 * @property {number | null} pullRequest  the pull request number of a pull_request(_target) event
 * @property {string} sha             the commit the run is for (a pull request's head)
 * @property {string | null} runUrl   the run's page, where its job summary is
 * @property {string} workspace       GITHUB_WORKSPACE (annotations name files relative to it)
 * @property {string} runnerTemp
 */

/** An error in the action's own input or surroundings: reported as one `::error::`, exit 1. */
export class ActionError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ActionError';
  }
}

/**
 * The input's value as the runner passes it (trimmed, '' when absent).
 * @param {Env} env
 * @param {string} name
 */
export function readInput(env, name) {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/**
 * Every input, checked. Defaults repeat action.yml's so a run without them (tests, a local
 * `node`) behaves the same.
 * @param {Env} env
 * @returns {ActionInputs}
 */
export function readInputs(env) {
  const manifests = (readInput(env, 'manifest') || 'cordform.yaml')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const command = parseCommandLine(readInput(env, 'cordform-command') || 'npx --no-install cordform');
  if (command.length === 0) throw new ActionError('input cordform-command is empty');
  return {
    mode: choice(env, 'mode', MODES, 'plan'),
    manifests,
    command,
    comment: choice(env, 'comment', COMMENT_MODES, 'update'),
    token: readInput(env, 'github-token'),
    planFile: readInput(env, 'plan-file'),
  };
}

/**
 * @template {string} T
 * @param {Env} env
 * @param {string} name
 * @param {readonly T[]} allowed
 * @param {T} fallback
 * @returns {T}
 */
function choice(env, name, allowed, fallback) {
  const value = readInput(env, name) || fallback;
  const found = allowed.find((option) => option === value);
  if (found === undefined) throw new ActionError(`input ${name} must be one of ${allowed.join(', ')}; got "${value}"`);
  return found;
}

/**
 * Splits `cordform-command` into argv the way a shell would for the simple cases that
 * matter (words, "double" or 'single' quoted parts); it is run without a shell.
 * @param {string} text
 * @returns {string[]}
 */
export function parseCommandLine(text) {
  const words = [];
  for (const match of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

/**
 * @param {Env} env
 * @returns {GitHubContext}
 */
export function readGitHubContext(env) {
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const pr = /** @type {{ number?: unknown, head?: { sha?: unknown } } | undefined} */ (event.pull_request);
  const server = env.GITHUB_SERVER_URL;
  const runUrl =
    server && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${server.replace(/\/+$/, '')}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`
      : null;
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    repository: owner && repo ? { owner, repo } : null,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    pullRequest: typeof pr?.number === 'number' ? pr.number : null,
    sha: typeof pr?.head?.sha === 'string' ? pr.head.sha : (env.GITHUB_SHA ?? ''),
    runUrl,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runnerTemp: env.RUNNER_TEMP ?? '',
  };
}

/**
 * @param {string | undefined} path
 * @returns {Record<string, unknown>}
 */
function readEvent(path) {
  if (!path) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8'));
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch (error) {
    throw new ActionError(`cannot read the event payload GITHUB_EVENT_PATH=${path}: ${/** @type {Error} */ (error).message}`);
  }
}

/**
 * A short stable id for a manifest set: one sticky comment (and one drift issue) per set,
 * so several cordform jobs in one repository keep separate comments.
 * @param {string[]} manifests
 */
export function manifestSetId(manifests) {
  return createHash('sha256').update(manifests.join('\n')).digest('hex').slice(0, 12);
}
