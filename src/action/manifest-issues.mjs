// @ts-check
/**
 * Manifest errors, warnings and plan blockers as GitHub annotations on the manifest's lines
 * — at most 10 per kind, which is all GitHub shows for a step, plus one notice counting the
 * rest — and as a Markdown list for the job summary and the comment, which hold all of them.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { ANNOTATIONS_PER_KIND } from './workflow-commands.mjs';

/**
 * @typedef {object} Issue
 * @property {string} code
 * @property {string} message
 * @property {'error' | 'warning'} severity
 * @property {{ file: string, line: number, column: number }} [location]
 */

/**
 * `cordform validate --format json`: `{valid, errors[], warnings[]}`. Output that is not that
 * JSON (a cordform too old for `--format json`, a crash) becomes one error with its text.
 * @param {{ code: number, stdout: string, stderr: string }} run
 * @returns {{ valid: boolean, issues: Issue[] }}
 */
export function parseValidation(run) {
  try {
    const json = JSON.parse(run.stdout);
    /** @type {Issue[]} */
    const issues = [...(json.errors ?? []), ...(json.warnings ?? [])].map((item) => ({
      code: String(item.code),
      message: String(item.message),
      severity: item.severity === 'warning' ? 'warning' : 'error',
      ...(item.location ? { location: item.location } : {}),
    }));
    return { valid: run.code === 0 && json.valid === true, issues };
  } catch {
    const text = (run.stderr || run.stdout).trim() || `cordform validate exited with ${run.code}`;
    return { valid: run.code === 0, issues: run.code === 0 ? [] : [{ code: 'validate_failed', message: text, severity: 'error' }] };
  }
}

/**
 * Plan blockers (from the saved plan) as issues.
 * @param {Array<{ code: string, message: string, location?: Issue['location'] }>} blockers
 * @returns {Issue[]}
 */
export function blockerIssues(blockers) {
  return blockers.map((b) => ({ code: b.code, message: b.message, severity: 'error', ...(b.location ? { location: b.location } : {}) }));
}

/**
 * Annotation lines for `issues`: the first 10 errors and the first 10 warnings, then a
 * notice that counts what was left out. Files are named relative to the workspace, as
 * GitHub expects.
 * @param {Issue[]} issues
 * @param {{ cwd: string, workspace: string }} paths
 * @returns {Array<{ kind: 'error' | 'warning' | 'notice', message: string, location?: Issue['location'], title?: string }>}
 */
export function issueAnnotations(issues, paths) {
  const out = [];
  /** @type {Record<'error' | 'warning', number>} */
  const skipped = { error: 0, warning: 0 };
  /** @type {Record<'error' | 'warning', number>} */
  const shown = { error: 0, warning: 0 };
  for (const issue of issues) {
    if (shown[issue.severity] >= ANNOTATIONS_PER_KIND) {
      skipped[issue.severity]++;
      continue;
    }
    shown[issue.severity]++;
    const location = issue.location ? { ...issue.location, file: workspacePath(issue.location.file, paths) } : undefined;
    out.push({ kind: issue.severity, message: issue.message, title: `cordform ${issue.code}`, ...(location ? { location } : {}) });
  }
  const rest = [plural(skipped.error, 'more error'), plural(skipped.warning, 'more warning')].filter((text) => text !== '');
  if (rest.length > 0) {
    out.push({ kind: /** @type {const} */ ('notice'), message: `cordform: ${rest.join(' and ')} not annotated (GitHub shows 10 of each per step); the job summary lists all of them.` });
  }
  return out;
}

/**
 * Every issue as a Markdown list item: `` `file:line:col` message [code] ``.
 * @param {Issue[]} issues
 */
export function issuesMarkdown(issues) {
  return issues
    .map((issue) => {
      const where = issue.location ? `\`${issue.location.file}:${issue.location.line}:${issue.location.column}\` ` : '';
      const level = issue.severity === 'warning' ? '⚠️ ' : '❌ ';
      return `- ${level}${where}${escapeMarkdown(issue.message)} \`[${issue.code}]\``;
    })
    .join('\n');
}

/**
 * @param {string} file
 * @param {{ cwd: string, workspace: string }} paths
 */
function workspacePath(file, paths) {
  const absolute = isAbsolute(file) ? file : resolve(paths.cwd, file);
  const inside = relative(paths.workspace, absolute);
  return inside.startsWith('..') || isAbsolute(inside) ? file : inside.split('\\').join('/');
}

/** @param {number} count @param {string} noun */
function plural(count, noun) {
  return count === 0 ? '' : `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * Messages quote names from the manifest and from Discord: no HTML, no line breaks.
 * @param {string} text
 */
function escapeMarkdown(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\s*\n\s*/g, ' ');
}
