import { formatLocation } from '../errors.js';
import type { ManifestIssue } from './issues.js';

export interface FormatIssuesOptions {
  /** Also emit GitHub Actions workflow commands (`::error file=…,line=…,col=…::message`). */
  githubActions: boolean;
}

/**
 * `file:line:col: message [code]`, one issue per line (warnings say so), the shape editors
 * and terminals turn into links. With `githubActions`, each issue is followed by its
 * workflow command so the runner annotates the pull request.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
export function formatManifestIssues(issues: ManifestIssue[], options: FormatIssuesOptions): string {
  const lines: string[] = [];
  for (const item of issues) {
    const where = item.location ? `${formatLocation(item.location)}: ` : '';
    const level = item.severity === 'error' ? '' : `${item.severity === 'warning' ? 'warning' : 'note'}: `;
    lines.push(`${where}${level}${item.message} [${item.code}]`);
    if (options.githubActions) lines.push(formatAnnotation(item));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** One GitHub Actions workflow command (`::error file=…,line=…,col=…,title=…::message`). */
export function formatAnnotation(item: Pick<ManifestIssue, 'code' | 'message' | 'location' | 'severity'>): string {
  const props: string[] = [];
  if (item.location) {
    props.push(`file=${escapeProperty(item.location.file)}`);
    props.push(`line=${item.location.line}`);
    props.push(`col=${item.location.column}`);
  }
  props.push(`title=${escapeProperty(`cordform ${item.code}`)}`);
  // GitHub's levels are error, warning and notice.
  const level = item.severity === 'info' ? 'notice' : item.severity;
  return `::${level} ${props.join(',')}::${escapeData(item.message)}`;
}

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
