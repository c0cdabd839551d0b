// @ts-check
/**
 * `mode: apply` (push to the default branch): apply the plan reviewed on the pull request
 * when `plan-file` is given and present — cordform refuses it, with the reason, when the
 * manifest or a touched webhook changed since — else a fresh plan with `--auto-approve`.
 * The job summary says what was done.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { errorReason, fenced, validateManifests } from './action-run.mjs';
import { issuesMarkdown } from './manifest-issues.mjs';
import { manifestLabel } from './plan-report.mjs';

/** @typedef {import('./action-run.mjs').ActionRun} ActionRun */

/**
 * @param {ActionRun} run
 * @returns {Promise<number>}
 */
export async function runApplyMode(run) {
  const label = manifestLabel(run.inputs.manifests);
  const validation = await validateManifests(run);
  if (!validation.valid) {
    await run.setOutputs({ exitcode: '1', plan_path: '' });
    await run.addSummary(`## cordform apply\n\n❌ ${label}: the manifest is invalid; nothing was applied.\n\n${issuesMarkdown(validation.issues)}\n`);
    return 1;
  }

  const planPath = run.inputs.planFile ? resolve(run.cwd, run.inputs.planFile) : '';
  const saved = planPath !== '' && existsSync(planPath);
  if (planPath && !saved) {
    run.log.annotate('warning', `plan-file ${run.inputs.planFile} does not exist (was the plan artifact downloaded?); applying a fresh plan instead.`);
  }
  const result = await run.cordform(['apply', ...(saved ? [planPath] : ['--auto-approve'])], 'cordform apply');
  // The whole refusal (a stale plan lists every reason), within what an annotation shows.
  if (result.code !== 0) run.log.annotate('error', `cordform apply: ${(result.stderr.trim() || errorReason(result)).slice(0, 4000)}`);
  await run.setOutputs({ exitcode: String(result.code), plan_path: saved ? planPath : '' });

  const source = saved
    ? `The reviewed plan \`${run.inputs.planFile}\`: cordform checked it against the manifest and Discord before writing.`
    : 'A fresh plan, computed from the manifest and Discord at the time of this run.';
  const output = result.stdout.trim() === '' ? '' : `<details${result.code === 0 ? '' : ' open'}><summary>cordform output</summary>\n\n${fenced(result.stdout)}\n</details>\n`;
  const errors = result.stderr.trim() === '' ? '' : `\n${fenced(result.stderr)}`;
  await run.addSummary(`## cordform apply\n\n${applyHeadline(result, label)}\n\n${source}\n\n${output}${errors}`);
  return result.code === 0 ? 0 : 1;
}

/**
 * cordform's own last word: `Apply complete: N done, …`, "No changes", or the refusal.
 * @param {import('./run-cordform.mjs').CordformRun} result
 * @param {string} label
 */
function applyHeadline(result, label) {
  const done = /^Apply (?:complete|incomplete): .*$/m.exec(result.stdout)?.[0];
  if (result.code === 0) return `✅ ${label}: ${done ?? 'nothing to apply, Discord already matches the manifest.'}`;
  return `❌ ${label}: ${done ?? errorReason(result)}`;
}
