import { CordformError, type SourceLocation } from '../errors.js';
import { formatManifestIssues } from './format-issues.js';

/**
 * One problem found in a manifest. Loading collects every issue instead of stopping at the
 * first (the changesets model: validation returns `{value, errors, warnings}` and only the
 * CLI decides how to print them and which exit code follows).
 */
export interface ManifestIssue {
  /** Stable, e.g. `schema_unknown_key`, `snowflake_unquoted`, `webhook_duplicate`. */
  code: string;
  message: string;
  location?: SourceLocation;
  /** JSON pointer into the file's data, e.g. `/guilds/0/webhooks/1/channel`. */
  path?: string;
  severity: IssueSeverity;
}

/** `info`: nothing is wrong, but the reader should know (e.g. a variable only `run` needs is unset). */
export type IssueSeverity = 'error' | 'warning' | 'info';

/** Thrown by `readManifest`: carries every issue, and a message that already lists them. */
export class ManifestError extends CordformError {
  readonly issues: ManifestIssue[];

  constructor(issues: ManifestIssue[]) {
    const errors = issues.filter((issue) => issue.severity === 'error');
    const count = `${errors.length} error${errors.length === 1 ? '' : 's'}`;
    super('manifest_invalid', `manifest is invalid (${count}):\n${formatManifestIssues(errors, { githubActions: false })}`, {
      fault: 'user',
      details: { issues },
    });
    this.name = 'ManifestError';
    this.issues = issues;
  }
}

export function issue(
  code: string,
  message: string,
  location: SourceLocation | undefined,
  extra: { path?: string; severity?: IssueSeverity } = {},
): ManifestIssue {
  return {
    code,
    message,
    ...(location ? { location } : {}),
    ...(extra.path !== undefined ? { path: extra.path } : {}),
    severity: extra.severity ?? 'error',
  };
}

/** Issues in reading order (file, line, column), each reported once. */
export function sortIssues(issues: ManifestIssue[]): ManifestIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((item) => {
    const key = JSON.stringify([item.code, item.message, item.location, item.severity]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(compareIssues);
}

function compareIssues(a: ManifestIssue, b: ManifestIssue): number {
  const fa = a.location?.file ?? '';
  const fb = b.location?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.location?.line ?? 0;
  const lb = b.location?.line ?? 0;
  if (la !== lb) return la - lb;
  return (a.location?.column ?? 0) - (b.location?.column ?? 0);
}
