// @ts-check
/**
 * One run of the action: its inputs and GitHub context, the log, the output and summary
 * files, and the steps every mode shares (run cordform with its output in a log group,
 * validate the manifest, annotate issues).
 */
import { readGitHubContext, readInputs } from './context.mjs';
import { issueAnnotations, parseValidation } from './manifest-issues.mjs';
import { cordformEnv, manifestArgs, runCordform } from './run-cordform.mjs';
import { ActionLog, addMask, appendSummary, writeOutputs } from './workflow-commands.mjs';

/**
 * @typedef {object} ActionRun
 * @property {import('./context.mjs').ActionInputs} inputs
 * @property {import('./context.mjs').GitHubContext} github
 * @property {string} cwd
 * @property {ActionLog} log
 * @property {(args: string[], title: string) => Promise<import('./run-cordform.mjs').CordformRun>} cordform
 *   runs cordform with `-f` for each manifest appended, its stdout shown in a log group
 * @property {(outputs: Record<string, string>) => Promise<void>} setOutputs
 * @property {(markdown: string) => Promise<void>} addSummary
 */

/**
 * @param {Record<string, string | undefined>} env
 * @param {string} cwd
 * @param {(text: string) => void} write
 * @returns {ActionRun}
 */
export function createActionRun(env, cwd, write) {
  const log = new ActionLog(write);
  const inputs = readInputs(env);
  // Masked before anything else is printed. GitHub masks secrets it passed in already;
  // this also covers a token that came from elsewhere (a step output, a variable).
  for (const secret of [inputs.token, env.DISCORD_BOT_TOKEN]) if (secret) log.line(addMask(secret));
  const childEnv = cordformEnv(env);
  return {
    inputs,
    github: readGitHubContext(env),
    cwd,
    log,
    cordform: async (args, title) => {
      const group = log.untrusted(title);
      try {
        return await runCordform(inputs.command, [...args, ...manifestArgs(inputs.manifests)], { cwd, env: childEnv, onStdout: group.write });
      } finally {
        group.close();
      }
    },
    setOutputs: (outputs) => writeOutputs(env.GITHUB_OUTPUT, outputs),
    addSummary: (markdown) => appendSummary(env.GITHUB_STEP_SUMMARY, markdown),
  };
}

/**
 * `cordform validate --format json`, with every issue annotated (10 per kind).
 * @param {ActionRun} run
 */
export async function validateManifests(run) {
  const result = parseValidation(await run.cordform(['validate', '--format', 'json'], 'cordform validate'));
  annotateIssues(run, result.issues);
  return result;
}

/**
 * @param {ActionRun} run
 * @param {import('./manifest-issues.mjs').Issue[]} issues
 */
export function annotateIssues(run, issues) {
  for (const item of issueAnnotations(issues, { cwd: run.cwd, workspace: run.github.workspace })) {
    run.log.annotate(item.kind, item.message, item);
  }
}

/**
 * The first line of cordform's error output, without its `Error: ` prefix and `[code]`.
 * @param {{ code: number, stdout: string, stderr: string }} result
 */
export function errorReason(result) {
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? '';
  return text.replace(/^Error:\s*/, '').replace(/\s*\[[a-z_]+\]$/, '') || `cordform exited with ${result.code}`;
}

/**
 * Text in a code fence longer than any backtick run inside it.
 * @param {string} text
 * @param {string} [info]
 */
export function fenced(text, info = 'text') {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text.trimEnd()}\n${fence}\n`;
}
