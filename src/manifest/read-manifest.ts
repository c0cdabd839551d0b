import type { AvatarResult } from './avatar.js';
import { FieldLocations } from './field-locations.js';
import { issue, ManifestError, sortIssues, type ManifestIssue } from './issues.js';
import { loadFile } from './load-file.js';
import { mergeFiles } from './merge.js';
import type { NormalizedFile } from './normalize.js';
import { checkManifest } from './semantic-checks.js';
import { expandManifestPaths } from './source-files.js';
import type { GuildDeclaration, Manifest, UnresolvedReference } from './types.js';
import { VARIABLE_NEEDS, type VariableClass } from './variable-classes.js';

export { ManifestError, type ManifestIssue } from './issues.js';
export { formatManifestIssues } from './format-issues.js';
export { VARIABLE_NEEDS, type VariableClass } from './variable-classes.js';

export interface LoadManifestOptions {
  /** Files or directories (every *.yaml / *.yml inside, sorted); relative to `cwd`. */
  files: string[];
  cwd: string;
  /** Where `${VAR}` values come from. */
  env: Record<string, string | undefined>;
  /**
   * Which `${VAR}` references must be set, by the class of their field (see
   * variable-classes.ts): `VARIABLE_NEEDS.offline` for validate, `.discord` for commands
   * that talk to Discord, `.runtime` for `run`. An unset variable of another class is an
   * `info` issue, and its field keeps its text as written (listed in `manifest.unresolved`).
   * Default: every class.
   */
  needs?: readonly VariableClass[];
}

export interface LoadManifestResult {
  /** Present only when there are no errors. */
  manifest?: Manifest;
  errors: ManifestIssue[];
  warnings: ManifestIssue[];
  /** Nothing wrong, worth knowing: variables that are unset but not needed by this command. */
  info: ManifestIssue[];
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
  const info = sorted.filter((item) => item.severity === 'info');
  return { ...(manifest && errors.length === 0 ? { manifest } : {}), errors, warnings, info };
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
  const shared = {
    cwd: options.cwd,
    env: options.env,
    needs: options.needs ?? VARIABLE_NEEDS.runtime,
    fields: new FieldLocations(),
    avatars: new Map<string, Promise<AvatarResult>>(),
  };
  const files: NormalizedFile[] = [];
  const unresolved: UnresolvedReference[] = [];
  const partialGuilds = new Set<GuildDeclaration>();
  // A file not read, or a `discord` section left out for its errors, may hold the token.
  let settingsUnknown = issues.length > 0;
  let hasLeftOut = false;
  for (const absolutePath of paths) {
    const loaded = await loadFile(absolutePath, shared);
    issues.push(...loaded.issues);
    unresolved.push(...loaded.unresolved);
    settingsUnknown ||= !loaded.leftOut || !loaded.leftOut.includes('/discord');
    if (!loaded.file) continue;
    files.push(loaded.file);
    if (!loaded.leftOut?.any) continue;
    hasLeftOut = true;
    for (const guild of loaded.file.guilds) partialGuilds.add(guild);
  }
  if (files.length === 0) return { issues };
  // Merged and cross-checked even when a file has errors, so every error shows in one run.
  const merged = mergeFiles(files, { settingsUnknown });
  issues.push(...merged.issues);
  const incomplete = settingsUnknown || partialGuilds.size > 0 || hasLeftOut ? { guilds: partialGuilds } : undefined;
  issues.push(...checkManifest(merged.manifest, shared.fields, incomplete ? { incomplete } : {}));
  return { issues, manifest: { ...merged.manifest, ...(unresolved.length > 0 ? { unresolved } : {}) } };
}
