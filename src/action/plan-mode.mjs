// @ts-check
/**
 * `mode: plan` (pull requests): validate, plan with `--format markdown --out PLAN
 * --detailed-exitcode`, write the outputs and the job summary, and keep one sticky comment
 * on the pull request. The job fails only on an invalid manifest, blockers or an error.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { annotateIssues, errorReason, fenced, validateManifests } from './action-run.mjs';
import { manifestSetId } from './context.mjs';
import { createGitHubApi } from './github-api.mjs';
import { blockerIssues, issuesMarkdown } from './manifest-issues.mjs';
import { commentBody, countOutputs, countsOf, manifestLabel, planSummary } from './plan-report.mjs';
import { findPlanComment, parsePlanMarker, writePlanComment } from './sticky-comment.mjs';

/** @typedef {import('./action-run.mjs').ActionRun} ActionRun */
/** @typedef {import('./plan-report.mjs').PlanReport} PlanReport */

/**
 * @param {ActionRun} run
 * @returns {Promise<number>}
 */
export async function runPlanMode(run) {
  const setId = manifestSetId(run.inputs.manifests);
  const label = manifestLabel(run.inputs.manifests);
  const planPath = savedPlanPath(run, setId);
  const report = await makePlanReport(run, planPath);
  await run.setOutputs(planOutputs(report, existsSync(planPath) ? planPath : ''));

  let notice;
  let failure;
  try {
    notice = await commentOnPullRequest(run, report, { setId, label });
  } catch (error) {
    failure = error;
  }
  await run.addSummary(planSummary(report, notice ? { label, notice } : { label }));
  if (failure) throw failure;
  return report.status === 'changes' || report.status === 'no-changes' ? 0 : 1;
}

/**
 * `plan-file`, or a file in RUNNER_TEMP named after the manifest set.
 * @param {ActionRun} run
 * @param {string} setId
 */
function savedPlanPath(run, setId) {
  if (run.inputs.planFile) return resolve(run.cwd, run.inputs.planFile);
  return join(run.github.runnerTemp || tmpdir(), `cordform-plan-${setId}.json`);
}

/**
 * @param {ActionRun} run
 * @param {string} planPath
 * @returns {Promise<PlanReport>}
 */
async function makePlanReport(run, planPath) {
  // A plan file left from an earlier step must not pass for this run's plan.
  await rm(planPath, { force: true });
  const validation = await validateManifests(run);
  if (!validation.valid) {
    const errors = validation.issues.filter((issue) => issue.severity === 'error').length;
    return { status: 'invalid', counts: null, blockers: 0, fingerprints: null, body: `${errors} error(s) in the manifest:\n\n${issuesMarkdown(validation.issues)}\n`, reason: '', exitcode: 1 };
  }
  const result = await run.cordform(['plan', '--format', 'markdown', '--out', planPath, '--detailed-exitcode'], 'cordform plan');
  const plan = existsSync(planPath) ? (JSON.parse(await readFile(planPath, 'utf8')).plan ?? null) : null;
  const blockers = Array.isArray(plan?.blockers) ? plan.blockers : [];
  if (result.code === 1 && blockers.length > 0) annotateIssues(run, blockerIssues(blockers));
  if ((result.code === 0 || result.code === 2 || blockers.length > 0) && plan) {
    const status = blockers.length > 0 ? 'blocked' : result.code === 2 ? 'changes' : 'no-changes';
    return { status, counts: countsOf(plan.summary ?? {}), blockers: blockers.length, fingerprints: plan.fingerprints ?? null, body: result.stdout, reason: '', exitcode: result.code };
  }
  const reason = errorReason(result);
  run.log.annotate('error', `cordform plan: ${reason}`);
  return { status: 'error', counts: null, blockers: 0, fingerprints: null, body: fenced(result.stderr || result.stdout), reason, exitcode: result.code === 0 ? 1 : result.code };
}

/**
 * @param {PlanReport} report
 * @param {string} planPath
 */
function planOutputs(report, planPath) {
  const counts = report.counts;
  const total = counts ? counts.create + counts.update + counts.move + counts.delete + counts.replace : 0;
  return {
    changes: String(total > 0),
    ...countOutputs(counts),
    plan_path: planPath,
    exitcode: String(report.exitcode),
  };
}

/**
 * Creates or updates the sticky comment. Returns a notice for the job summary when the
 * plan could not be posted (no pull request, no token, a read-only token).
 * @param {ActionRun} run
 * @param {PlanReport} report
 * @param {{ setId: string, label: string }} options
 * @returns {Promise<string | undefined>}
 */
async function commentOnPullRequest(run, report, options) {
  const { inputs, github, log } = run;
  if (inputs.comment === 'off') return undefined;
  if (github.pullRequest === null) {
    log.line(`cordform: not a pull request event (${github.eventName || 'unknown'}); no comment, the plan is in the job summary.`);
    return undefined;
  }
  if (!github.repository || !inputs.token) {
    const notice = 'No GitHub token or repository, so the plan was not posted on the pull request; it is only in this job summary.';
    log.annotate('notice', notice);
    return notice;
  }
  const target = {
    api: createGitHubApi({ apiUrl: github.apiUrl, token: inputs.token }),
    repoPath: `/repos/${github.repository.owner}/${github.repository.repo}`,
    number: github.pullRequest,
    setId: options.setId,
  };
  try {
    const previous = inputs.comment === 'update' ? await findPlanComment(target) : null;
    const body = commentBody(report, {
      setId: options.setId,
      label: options.label,
      sha: github.sha,
      runUrl: github.runUrl,
      previous: previous ? (parsePlanMarker(previous.body)?.fingerprints ?? null) : undefined,
    });
    const written = await writePlanComment(target, previous, body);
    log.line(`cordform: ${written.action} the plan comment on #${target.number} ${written.url}`.trimEnd());
    return undefined;
  } catch (error) {
    if (/** @type {{ status?: number }} */ (error).status !== 403) throw error;
    const notice = `The token may not comment on this pull request (GitHub answered 403, as it does for pull requests from forks), so the plan is only in this job summary.`;
    log.annotate('notice', notice);
    return notice;
  }
}
