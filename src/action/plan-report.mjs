// @ts-check
/**
 * What a plan (or a failed attempt at one) looks like to people: the one-line headline with
 * the counts, the pull-request comment (headline above a collapsed `<details>` body, cut to
 * fit GitHub's limit) and the job summary (the whole plan).
 */
import { cutMarkdown } from './cut-markdown.mjs';
import { planMarker } from './sticky-comment.mjs';

/** GitHub's limit is 65,536 characters; the margin covers any newline normalization on its side. */
const COMMENT_BUDGET = 65_000;
/** GitHub's limit is 1 MiB per step summary. */
const SUMMARY_BUDGET_BYTES = 1_000_000;

/**
 * @typedef {object} Counts
 * @property {number} create
 * @property {number} update  updates, adoptions and slash command syncs (as cordform's own summary line counts them)
 * @property {number} move
 * @property {number} delete
 * @property {number} replace  a webhook deleted and created again: its URL changes
 * @property {number} adopt
 * @property {number} commands
 */

/**
 * @typedef {object} PlanReport
 * @property {'invalid' | 'error' | 'blocked' | 'changes' | 'no-changes'} status
 * @property {Counts | null} counts
 * @property {number} blockers
 * @property {import('./sticky-comment.mjs').Fingerprints} fingerprints
 * @property {string} body      Markdown: cordform's plan, or the errors
 * @property {string} reason    one line for `error` (what went wrong)
 * @property {number} exitcode  cordform's exit code (1 for an invalid manifest)
 */

/**
 * Counts from a saved plan's `summary`.
 * @param {{ create?: number, update?: number, move?: number, delete?: number, replace?: number, adopt?: number, commands?: number }} summary
 * @returns {Counts}
 */
export function countsOf(summary) {
  const adopt = summary.adopt ?? 0;
  const commands = summary.commands ?? 0;
  return {
    create: summary.create ?? 0,
    update: (summary.update ?? 0) + adopt + commands,
    move: summary.move ?? 0,
    delete: summary.delete ?? 0,
    replace: summary.replace ?? 0,
    adopt,
    commands,
  };
}

/**
 * The action's `to_create` … `to_replace` outputs (all 0 without counts).
 * @param {Counts | null} counts
 */
export function countOutputs(counts) {
  return {
    to_create: String(counts?.create ?? 0),
    to_update: String(counts?.update ?? 0),
    to_move: String(counts?.move ?? 0),
    to_delete: String(counts?.delete ?? 0),
    to_replace: String(counts?.replace ?? 0),
  };
}

/** @param {Counts} counts */
export function countsLine(counts) {
  const parts = [
    `➕ ${counts.create} to create`,
    `✏️ ${counts.update} to update`,
    `➡️ ${counts.move} to move`,
    ...(counts.replace > 0 ? [`♻️ ${counts.replace} to replace (new URL)`] : []),
    `🗑️ ${counts.delete} to delete`,
  ];
  const extra = [counts.adopt > 0 ? `${counts.adopt} adoption(s)` : '', counts.commands > 0 ? `${counts.commands} slash command sync(s)` : ''].filter(Boolean);
  return parts.join(' · ') + (extra.length > 0 ? ` (updates include ${extra.join(' and ')})` : '');
}

/**
 * @param {PlanReport} report
 * @param {string} label  what was planned, e.g. `` `cordform.yaml` ``
 */
function headline(report, label) {
  switch (report.status) {
    case 'invalid':
      return `❌ **cordform** ${label}: the manifest is invalid`;
    case 'error':
      return `❌ **cordform plan** ${label} failed: ${report.reason}`;
    case 'blocked':
      return `⛔ **cordform plan** ${label}: ${report.blockers} blocker(s), apply will refuse to start · ${report.counts ? countsLine(report.counts) : ''}`;
    case 'changes':
      return `**cordform plan** ${label}: ${report.counts ? countsLine(report.counts) : 'changes'}`;
    case 'no-changes':
      return `✅ **cordform plan** ${label}: no changes, Discord matches the manifest`;
    default:
      throw new Error(`unexpected plan status ${JSON.stringify(/** @type {never} */ (report.status))}`);
  }
}

/**
 * @typedef {object} CommentContext
 * @property {string} setId
 * @property {string} label
 * @property {string} sha
 * @property {string | null} runUrl
 * @property {import('./sticky-comment.mjs').Fingerprints | undefined} previous  fingerprints in the comment being replaced (undefined: none)
 */

/**
 * The sticky comment: marker, headline, the plan collapsed, a footer; at most COMMENT_BUDGET characters.
 * @param {PlanReport} report
 * @param {CommentContext} context
 */
export function commentBody(report, context) {
  const commit = context.sha ? ` for ${context.sha.slice(0, 7)}` : '';
  const title = report.status === 'invalid' || report.status === 'error' ? `Errors${commit}` : `Plan${commit}`;
  const head = `${planMarker(context.setId, report.fingerprints)}\n${headline(report, context.label)}\n\n<details><summary>${title}</summary>\n\n`;
  const tail = `\n</details>\n\n<sub>${footer(report, context)}</sub>\n`;
  return fitBody(head, report.body, tail, context.runUrl);
}

/**
 * `head + markdown + tail` in at most COMMENT_BUDGET characters (a comment or an issue):
 * the markdown is cut where needed, with a note pointing to the job summary.
 * @param {string} head
 * @param {string} markdown
 * @param {string} tail
 * @param {string | null} runUrl
 */
export function fitBody(head, markdown, tail, runUrl) {
  const where = runUrl ? `the [job summary](${runUrl})` : "this run's job summary";
  const note = `> [!NOTE]\n> The plan is longer than GitHub allows here (${[...markdown].length.toLocaleString('en-US')} characters), so it is cut. The whole plan is in ${where}.`;
  const { text } = cutMarkdown(markdown.trimEnd() + '\n', COMMENT_BUDGET - head.length - tail.length, { note });
  return head + text + tail;
}

/**
 * @param {PlanReport} report
 * @param {CommentContext} context
 */
function footer(report, context) {
  const parts = ['cordform GitHub Action'];
  if (context.runUrl) parts.push(`[job summary](${context.runUrl})`);
  if (context.previous !== undefined && report.fingerprints) {
    const same = context.previous?.manifest === report.fingerprints.manifest && context.previous?.live === report.fingerprints.live;
    parts.push(same ? 'plan unchanged since the last update' : 'plan changed since the last update');
  }
  return parts.join(' · ');
}

/**
 * The job summary for one plan: heading, headline, optional notice, the whole body.
 * @param {PlanReport} report
 * @param {{ label: string, notice?: string }} options
 */
export function planSummary(report, options) {
  const notice = options.notice ? `> [!NOTE]\n> ${options.notice}\n\n` : '';
  return summaryMarkdown(`## cordform plan\n\n${headline(report, options.label)}\n\n${notice}`, report.body);
}

/**
 * A summary section with a long body cut to GitHub's 1 MiB per step.
 * @param {string} head
 * @param {string} body
 */
export function summaryMarkdown(head, body) {
  const measure = (/** @type {string} */ text) => Buffer.byteLength(text, 'utf8');
  const note = '> [!NOTE]\n> Cut here: a job summary holds at most 1 MiB. `cordform plan` prints the whole plan.';
  const { text } = cutMarkdown(body.trimEnd() + '\n', SUMMARY_BUDGET_BYTES - measure(head) - 1, { measure, note });
  return `${head}${text}\n`;
}

/**
 * `cordform.yaml` or `a.yaml`, `b.yaml` for headlines.
 * @param {string[]} manifests
 */
export function manifestLabel(manifests) {
  return manifests.map((file) => `\`${file.replace(/`/g, "'")}\``).join(', ');
}
