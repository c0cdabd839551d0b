// @ts-check
/**
 * `mode: check` (schedule): `cordform check`. On drift, the Markdown plan goes into one open
 * issue labelled `cordform-drift` (opened, or its body replaced); once a check finds no
 * drift, that issue is closed. Drift itself does not fail the job — the issue is the
 * signal — errors do.
 */
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorReason, fenced, validateManifests } from './action-run.mjs';
import { ActionError, manifestSetId } from './context.mjs';
import { closeDriftIssue, driftMarker, openOrUpdateDriftIssue } from './drift-issue.mjs';
import { createGitHubApi } from './github-api.mjs';
import { issuesMarkdown } from './manifest-issues.mjs';
import { countOutputs, countsLine, countsOf, fitBody, manifestLabel, summaryMarkdown } from './plan-report.mjs';

/** @typedef {import('./action-run.mjs').ActionRun} ActionRun */

/**
 * @param {ActionRun} run
 * @returns {Promise<number>}
 */
export async function runCheckMode(run) {
  const label = manifestLabel(run.inputs.manifests);
  const validation = await validateManifests(run);
  if (!validation.valid) {
    await run.setOutputs({ changes: 'false', exitcode: '1' });
    await run.addSummary(`## cordform check\n\n❌ ${label}: the manifest is invalid.\n\n${issuesMarkdown(validation.issues)}\n`);
    return 1;
  }
  const check = await run.cordform(['check'], 'cordform check');
  if (check.code === 0) return reportInSync(run, label);
  if (check.code === 2) return reportDrift(run, label);
  const reason = errorReason(check);
  run.log.annotate('error', `cordform check: ${reason}`);
  await run.setOutputs({ changes: 'false', exitcode: String(check.code) });
  await run.addSummary(`## cordform check\n\n❌ ${label}: the drift check failed: ${reason}\n\n${fenced(check.stderr || check.stdout)}`);
  return 1;
}

/**
 * @param {ActionRun} run
 * @param {string} label
 */
async function reportInSync(run, label) {
  const target = issueTarget(run);
  const when = run.github.runUrl ? ` ([run](${run.github.runUrl}))` : '';
  const closed = target ? await withIssuesPermission(closeDriftIssue(target, `Drift resolved: Discord matches the manifest again${when}. Closing.`)) : null;
  if (closed) run.log.line(`cordform: closed drift issue #${closed.number} ${closed.url}`.trimEnd());
  await run.setOutputs({ changes: 'false', exitcode: '0', drift_issue: closed ? String(closed.number) : '' });
  await run.addSummary(`## cordform check\n\n✅ ${label}: no drift, Discord matches the manifest.${closed ? ` Closed #${closed.number}.` : ''}\n`);
  return 0;
}

/**
 * @param {ActionRun} run
 * @param {string} label
 */
async function reportDrift(run, label) {
  const setId = manifestSetId(run.inputs.manifests);
  const planPath = join(run.github.runnerTemp || tmpdir(), `cordform-drift-${setId}.json`);
  const plan = await run.cordform(['plan', '--format', 'markdown', '--out', planPath], 'cordform plan (the drift)');
  if (plan.code !== 0) {
    const reason = errorReason(plan);
    run.log.annotate('error', `cordform plan: ${reason}`);
    await run.setOutputs({ changes: 'true', exitcode: String(plan.code) });
    await run.addSummary(`## cordform check\n\n❌ ${label}: drift found, but the plan failed: ${reason}\n\n${fenced(plan.stderr || plan.stdout)}`);
    return 1;
  }
  const counts = countsOf(JSON.parse(await readFile(planPath, 'utf8')).plan?.summary ?? {});
  await rm(planPath, { force: true });
  const headline = `⚠️ **Discord differs from the manifest** ${label}: ${countsLine(counts)}`;

  const target = issueTarget(run);
  let issue = null;
  if (target) {
    const when = run.github.runUrl ? `the [scheduled check](${run.github.runUrl})` : 'the scheduled check';
    const head = `${driftMarker(setId)}\n${headline}\n\nFound by ${when} on ${new Date().toISOString().slice(0, 10)}. Run the apply workflow to make Discord match the manifest again, or change the manifest to match Discord; this issue closes itself once they match.\n\n`;
    const content = { title: `cordform: Discord drifted from ${label.replace(/`/g, '')}`, body: fitBody(head, plan.stdout, '', run.github.runUrl) };
    issue = await withIssuesPermission(openOrUpdateDriftIssue(target, content));
    run.log.line(`cordform: ${issue.action} drift issue #${issue.number} ${issue.url}`.trimEnd());
  }
  run.log.annotate('warning', `Discord differs from the manifest${issue ? `; see issue #${issue.number}` : ''}.`);
  await run.setOutputs({
    changes: 'true',
    ...countOutputs(counts),
    exitcode: '2',
    drift_issue: issue ? String(issue.number) : '',
  });
  const where = issue ? `\n\n${issue.action === 'opened' ? 'Opened' : 'Updated'} issue #${issue.number}.` : '';
  await run.addSummary(summaryMarkdown(`## cordform check\n\n${headline}${where}\n\n`, plan.stdout));
  return 0;
}

/**
 * A refused issue write names the permission the job lacks.
 * @template T
 * @param {Promise<T>} pending
 * @returns {Promise<T>}
 */
async function withIssuesPermission(pending) {
  try {
    return await pending;
  } catch (error) {
    if (/** @type {{ status?: number }} */ (error).status !== 403) throw error;
    throw new ActionError(`${/** @type {Error} */ (error).message} (the drift issue needs \`permissions: issues: write\` for this job)`);
  }
}

/**
 * The repository's issues API, or null (with a warning) when there is no token or repository.
 * @param {ActionRun} run
 */
function issueTarget(run) {
  const { github, inputs } = run;
  if (!github.repository || !inputs.token) {
    run.log.annotate('warning', 'No GitHub token or repository: the drift issue is not opened or closed.');
    return null;
  }
  return {
    api: createGitHubApi({ apiUrl: github.apiUrl, token: inputs.token }),
    repoPath: `/repos/${github.repository.owner}/${github.repository.repo}`,
    setId: manifestSetId(inputs.manifests),
  };
}
