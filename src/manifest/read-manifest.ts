import type { SourceLocation } from '../errors.js';
import type { AvatarResult } from './avatar.js';
import { FieldLocations } from './field-locations.js';
import { issue, ManifestError, sortIssues, type ManifestIssue } from './issues.js';
import { hasErrors, loadFile } from './load-file.js';
import { mergeFiles } from './merge.js';
import type { NormalizedFile } from './normalize.js';
import { checkManifest } from './semantic-checks.js';
import { expandManifestPaths } from './source-files.js';
import type { Manifest } from './types.js';

export { ManifestError, type ManifestIssue } from './issues.js';
export { formatManifestIssues, type FormatIssuesOptions } from './format-issues.js';
export { validateAgainstSchema } from './validate-schema.js';
export type { SourceLocation };

export interface LoadManifestOptions {
  /** Files or directories (every *.yaml / *.yml inside, sorted); relative to `cwd`. */
  files: string[];
  cwd: string;
  /** Where `${VAR}` values come from. */
  env: Record<string, string | undefined>;
}

export interface LoadManifestResult {
  /** Present only when there are no errors. */
  manifest?: Manifest;
  errors: ManifestIssue[];
  warnings: ManifestIssue[];
}

/** The default manifest when no `-f` is given. */
export const DEFAULT_MANIFEST_FILE = 'cordform.yaml';

/**
 * Loads, validates and merges manifest files. Never throws for bad input: every problem
 * comes back as an issue with `file:line:col`, all of them at once, sorted by position.
 */
export async function loadManifest(options: LoadManifestOptions): Promise<LoadManifestResult> {
  let issues: ManifestIssue[];
  let manifest: Manifest | undefined;
  try {
    ({ issues, manifest } = await loadAll(options));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    issues = [issue('internal_error', `internal error while reading the manifest (a bug in cordform): ${message}`, undefined)];
    manifest = undefined;
  }
  const sorted = sortIssues(issues);
  const errors = sorted.filter((item) => item.severity === 'error');
  const warnings = sorted.filter((item) => item.severity === 'warning');
  return { ...(manifest && errors.length === 0 ? { manifest } : {}), errors, warnings };
}

/** Like `loadManifest`, but throws a ManifestError carrying every issue when there is an error. */
export async function readManifest(options: LoadManifestOptions): Promise<Manifest> {
  const result = await loadManifest(options);
  if (!result.manifest) throw new ManifestError([...result.errors, ...result.warnings]);
  return result.manifest;
}

async function loadAll(options: LoadManifestOptions): Promise<{ issues: ManifestIssue[]; manifest?: Manifest }> {
  const inputs = options.files.length > 0 ? options.files : [DEFAULT_MANIFEST_FILE];
  const { paths, issues } = await expandManifestPaths(inputs, options.cwd);
  const shared = { cwd: options.cwd, env: options.env, fields: new FieldLocations(), avatars: new Map<string, Promise<AvatarResult>>() };
  const files: NormalizedFile[] = [];
  for (const absolutePath of paths) {
    const loaded = await loadFile(absolutePath, shared);
    issues.push(...loaded.issues);
    if (loaded.file) files.push(loaded.file);
  }
  if (hasErrors(issues) || files.length === 0) return { issues };
  const merged = mergeFiles(files);
  issues.push(...merged.issues);
  if (!merged.manifest) return { issues };
  issues.push(...checkManifest(merged.manifest, shared.fields));
  return { issues, manifest: merged.manifest };
}
