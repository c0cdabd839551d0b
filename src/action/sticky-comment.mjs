// @ts-check
/**
 * One plan comment per pull request and manifest set, found again on every push by the
 * hidden marker it starts with and edited in place (PATCH), as sticky-comment actions
 * do. The marker also carries the plan's fingerprints (manifest and live state), so a run
 * can tell whether the plan changed since the comment was last written.
 * https://docs.github.com/rest/issues/comments
 */

const MARKER = /^<!-- cordform-plan set=([0-9a-f]+) fingerprint=([0-9a-f]+|none)\.([0-9a-f]+|none) -->/;

/** @typedef {{ manifest: string, live: string } | null} Fingerprints */

/**
 * The first line of every plan comment. HTML comments may not contain `--`; ids and hex
 * fingerprints never do.
 * @param {string} setId
 * @param {Fingerprints} fingerprints
 */
export function planMarker(setId, fingerprints) {
  return `<!-- cordform-plan set=${setId} fingerprint=${fingerprints?.manifest ?? 'none'}.${fingerprints?.live ?? 'none'} -->`;
}

/**
 * @param {string | null | undefined} body
 * @returns {{ setId: string, fingerprints: Fingerprints } | null}
 */
export function parsePlanMarker(body) {
  const match = MARKER.exec(body ?? '');
  if (!match) return null;
  const [, setId = '', manifest = 'none', live = 'none'] = match;
  return { setId, fingerprints: manifest === 'none' || live === 'none' ? null : { manifest, live } };
}

/**
 * @typedef {object} CommentTarget
 * @property {import('./github-api.mjs').GitHubApi} api
 * @property {string} repoPath   `/repos/OWNER/REPO`
 * @property {number} number     the pull request
 * @property {string} setId
 */

/**
 * The newest earlier plan comment for this manifest set, if any.
 * @param {CommentTarget} target
 * @returns {Promise<{ id: number, body: string } | null>}
 */
export async function findPlanComment(target) {
  const comments = await target.api.paginate(`${target.repoPath}/issues/${target.number}/comments`);
  const ours = comments.filter((c) => parsePlanMarker(c?.body)?.setId === target.setId);
  const last = ours.at(-1);
  return last ? { id: Number(last.id), body: String(last.body) } : null;
}

/**
 * Edits `previous` in place, or creates a comment when there is none (or when the edit is
 * refused: a comment someone else wrote that happens to carry the marker). A refused
 * create throws the GitHubApiError (403 on pull requests from forks).
 * @param {CommentTarget} target
 * @param {{ id: number } | null} previous
 * @param {string} body
 * @returns {Promise<{ action: 'created' | 'updated', id: number, url: string }>}
 */
export async function writePlanComment(target, previous, body) {
  if (previous) {
    try {
      const updated = await target.api.request('PATCH', `${target.repoPath}/issues/comments/${previous.id}`, { body });
      return { action: 'updated', id: Number(updated.id), url: String(updated.html_url ?? '') };
    } catch (error) {
      if (/** @type {{ status?: number }} */ (error).status !== 403) throw error;
    }
  }
  const created = await target.api.request('POST', `${target.repoPath}/issues/${target.number}/comments`, { body });
  return { action: 'created', id: Number(created.id), url: String(created.html_url ?? '') };
}
