import path from 'node:path';
import type { Scalar } from 'yaml';
import { decodeUtf8 } from './decode-utf8.js';
import { describeSchemaErrors } from './describe-schema-error.js';
import type { FieldLocations } from './field-locations.js';
import { interpolateDocument } from './interpolate.js';
import { issue, type ManifestIssue } from './issues.js';
import { checkLiteralSecrets } from './literal-secrets.js';
import { normalizeFile, type NormalizedFile } from './normalize.js';
import type { AvatarResult } from './avatar.js';
import { parseYaml } from './parse-yaml.js';
import type { RawManifestFile } from './raw-manifest.js';
import { readManifestSource } from './source-files.js';
import { SourceMap } from './source-map.js';
import { toData } from './to-data.js';
import { validateAgainstSchema } from './validate-schema.js';

export interface LoadFileShared {
  cwd: string;
  env: Record<string, string | undefined>;
  fields: FieldLocations;
  avatars: Map<string, Promise<AvatarResult>>;
}

/**
 * One file through every stage: bytes (size-capped) → strict UTF-8 → YAML AST (nesting-
 * capped) → `${VAR}` on the AST → data (alias-capped) → schema → typed declarations.
 * A stage that fails stops this file; the issues found so far are all returned.
 */
export async function loadFile(absolutePath: string, shared: LoadFileShared): Promise<{ file?: NormalizedFile; issues: ManifestIssue[] }> {
  const read = await readManifestSource(absolutePath, shared.cwd);
  if (!read.source) return { issues: read.issues };
  const { displayPath, bytes } = read.source;

  const decoded = decodeUtf8(bytes, displayPath);
  if (!decoded.ok) {
    const byte = `0x${decoded.byte.toString(16).padStart(2, '0')}`;
    return { issues: [issue('invalid_utf8', `file is not valid UTF-8: byte ${byte} at byte offset ${decoded.byteOffset}; save the manifest as UTF-8`, decoded.location)] };
  }

  const { parsed, issues } = parseYaml(decoded.text, displayPath);
  if (!parsed || hasErrors(issues)) return { issues };
  const map = new SourceMap(parsed.doc, parsed.lineCounter, displayPath, parsed.text);

  const interpolation = interpolateDocument(map, shared.env);
  issues.push(...interpolation.issues);
  const converted = toData(parsed.doc, map);
  issues.push(...converted.issues);
  if (converted.data === undefined) return { issues };

  const schemaIssues = describeSchemaErrors(validateAgainstSchema(converted.data), { map, interpolated: interpolation.interpolated });
  // A value whose `${VAR}` is missing was already reported; its schema error would be noise.
  const fromFailedReference = (item: ManifestIssue) => item.path !== undefined && interpolation.failed.has(map.nodeAt(item.path) as Scalar);
  issues.push(...schemaIssues.filter((item) => !fromFailedReference(item)));
  if (hasErrors(issues)) return { issues };

  const data = converted.data as RawManifestFile;
  issues.push(...checkLiteralSecrets(data, map, interpolation.interpolated));
  const file = await normalizeFile(data, {
    absolutePath,
    dir: path.dirname(absolutePath),
    map,
    fields: shared.fields,
    avatars: shared.avatars,
    issues,
  });
  return { file, issues };
}

export function hasErrors(issues: ManifestIssue[]): boolean {
  return issues.some((item) => item.severity === 'error');
}
