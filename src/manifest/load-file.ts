import path from 'node:path';
import type { Scalar } from 'yaml';
import { decodeUtf8 } from './decode-utf8.js';
import { describeSchemaErrors } from './describe-schema-error.js';
import type { FieldLocations } from './field-locations.js';
import { interpolateDocument } from './interpolate.js';
import { issue, type ManifestIssue } from './issues.js';
import { checkLiteralSecrets } from './literal-secrets.js';
import { InvalidDeclarations } from './invalid-declarations.js';
import { KEEP_AVATAR, loadAvatar, normalizeFile, type NormalizeContext, type NormalizedFile } from './normalize.js';
import type { AvatarResult } from './avatar.js';
import { parseYaml } from './parse-yaml.js';
import type { RawManifestFile } from './raw-manifest.js';
import type { UnresolvedReference } from './types.js';
import { readManifestSource } from './source-files.js';
import { joinPointer, SourceMap } from './source-map.js';
import { toData } from './to-data.js';
import { validateAgainstSchema } from './validate-schema.js';
import type { VariableClass } from './variable-classes.js';

export interface LoadFileShared {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Classes of `${VAR}` that must be set; other unset ones are information. */
  needs: readonly VariableClass[];
  fields: FieldLocations;
  avatars: Map<string, Promise<AvatarResult>>;
}

export interface LoadedFile {
  /** Absent when the file could not be read as a mapping at all. */
  file?: NormalizedFile;
  issues: ManifestIssue[];
  unresolved: UnresolvedReference[];
  /** Declarations left out for schema errors (checks across them may miss or mislead); absent when the file stopped early. */
  leftOut?: InvalidDeclarations;
}

/**
 * One file through every stage: bytes (size-capped) → strict UTF-8 → YAML AST (nesting-
 * capped) → `${VAR}` on the AST → data (alias-capped) → schema → typed declarations.
 * A stage that cannot go on stops this file; up to the schema every error is collected,
 * and declarations with schema errors are left out so the rest is still normalized (avatars
 * read, values checked) — every error of the file in one run.
 */
export async function loadFile(absolutePath: string, shared: LoadFileShared): Promise<LoadedFile> {
  const stopped = (issues: ManifestIssue[]): LoadedFile => ({ issues, unresolved: [] });
  const read = await readManifestSource(absolutePath, shared.cwd);
  if (!read.source) return stopped(read.issues);
  const { displayPath, bytes } = read.source;

  const decoded = decodeUtf8(bytes, displayPath);
  if (!decoded.ok) {
    const byte = `0x${decoded.byte.toString(16).padStart(2, '0')}`;
    return stopped([issue('invalid_utf8', `file is not valid UTF-8: byte ${byte} at byte offset ${decoded.byteOffset}; save the manifest as UTF-8`, decoded.location)]);
  }

  const { parsed, issues } = parseYaml(decoded.text, displayPath);
  if (!parsed || hasErrors(issues)) return stopped(issues);
  const map = new SourceMap(parsed.doc, parsed.lineCounter, displayPath, parsed.text);

  const interpolation = interpolateDocument(map, shared.env, shared.needs);
  issues.push(...interpolation.issues);
  const converted = toData(parsed.doc, map);
  issues.push(...converted.issues);
  if (converted.data === undefined) return stopped(issues);

  const isUnknown = (pointer: string) => interpolation.unknown.has(map.nodeAt(pointer) as Scalar);
  const schemaIssues = describeSchemaErrors(validateAgainstSchema(converted.data), { map, interpolated: interpolation.interpolated })
    // A value from an unset `${VAR}` cannot be judged — except by its type: a variable always gives a string.
    .filter((item) => item.path === undefined || item.code === 'schema_type' || !isUnknown(item.path));
  issues.push(...schemaIssues);
  if (!isMapping(converted.data)) return stopped(issues);

  const data = converted.data as unknown as RawManifestFile;
  const invalid = new InvalidDeclarations(schemaIssues);
  if (!invalid.any) issues.push(...checkLiteralSecrets(data, map, interpolation.interpolated));
  const ctx: NormalizeContext = {
    absolutePath,
    dir: path.dirname(absolutePath),
    map,
    fields: shared.fields,
    avatars: shared.avatars,
    issues,
    includes: (pointer) => invalid.includes(pointer),
    isUnknown,
  };
  const file = await normalizeFile(data, ctx);
  await readLeftOutAvatars(converted.data, invalid, ctx);
  return { file, issues, unresolved: interpolation.unresolved, leftOut: invalid };
}

export function hasErrors(issues: ManifestIssue[]): boolean {
  return issues.some((item) => item.severity === 'error');
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A webhook left out for a schema error still has its avatar file checked, in the same run. */
async function readLeftOutAvatars(data: Record<string, unknown>, invalid: InvalidDeclarations, ctx: NormalizeContext): Promise<void> {
  const guilds = Array.isArray(data.guilds) ? data.guilds : [];
  const reads = guilds.flatMap((guild: unknown, g) => {
    const webhooks = isMapping(guild) && Array.isArray(guild.webhooks) ? guild.webhooks : [];
    return webhooks.map((webhook: unknown, w) => {
      const pointer = joinPointer('', 'guilds', g, 'webhooks', w);
      const avatar = isMapping(webhook) ? webhook.avatar : undefined;
      if (invalid.includes(pointer) || typeof avatar !== 'string' || avatar === '' || avatar === KEEP_AVATAR) return undefined;
      return loadAvatar(avatar, `${pointer}/avatar`, ctx);
    });
  });
  await Promise.all(reads);
}
