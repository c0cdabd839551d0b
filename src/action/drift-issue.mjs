// @ts-check
/**
 * One open issue labelled `cordform-drift` per manifest set while Discord differs from the
 * manifest: opened on the first drift, its body replaced with the current plan on later
 * ones, closed (with a comment) once a check finds no drift.
 * https://docs.github.com/rest/issues/issues
 */

const DRIFT_LABEL = 'cordform-drift';

/** @param {string} setId */
export function driftMarker(setId) {
  return `<!-- cordform-drift set=${setId} -->`;
}

/**
 * @typedef {object} IssueTarget
 * @property {import('./github-api.mjs').GitHubApi} api
 * @property {string} repoPath  `/repos/OWNER/REPO`
 * @property {string} setId
 */

/**
 * The open drift issue for this manifest set (the issues list also returns pull requests;
 * those are skipped).
 * @param {IssueTarget} target
 * @returns {Promise<{ number: number, url: string } | null>}
 */
async function findDriftIssue(target) {
  const issues = await target.api.paginate(`${target.repoPath}/issues?labels=${DRIFT_LABEL}&state=open`);
  const marker = driftMarker(target.setId);
  const found = issues.find((issue) => !issue?.pull_request && String(issue?.body ?? '').startsWith(marker));
  return found ? { number: Number(found.number), url: String(found.html_url ?? '') } : null;
}

/**
 * @param {IssueTarget} target
 * @param {{ title: string, body: string }} content  the body starts with driftMarker(setId)
 * @returns {Promise<{ action: 'opened' | 'updated', number: number, url: string }>}
 */
export async function openOrUpdateDriftIssue(target, content) {
  const open = await findDriftIssue(target);
  if (open) {
    const updated = await target.api.request('PATCH', `${target.repoPath}/issues/${open.number}`, content);
    return { action: 'updated', number: open.number, url: String(updated?.html_url ?? open.url) };
  }
  const created = await target.api.request('POST', `${target.repoPath}/issues`, { ...content, labels: [DRIFT_LABEL] });
  return { action: 'opened', number: Number(created.number), url: String(created.html_url ?? '') };
}

/**
 * Closes the open drift issue, if any, after a comment saying why.
 * @param {IssueTarget} target
 * @param {string} comment
 * @returns {Promise<{ number: number, url: string } | null>}
 */
export async function closeDriftIssue(target, comment) {
  const open = await findDriftIssue(target);
  if (!open) return null;
  await target.api.request('POST', `${target.repoPath}/issues/${open.number}/comments`, { body: comment });
  await target.api.request('PATCH', `${target.repoPath}/issues/${open.number}`, { state: 'closed', state_reason: 'completed' });
  return open;
}
