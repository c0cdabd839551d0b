import { isPair, isScalar, isSeq, visit, type Scalar } from 'yaml';
import { issue, type ManifestIssue } from './issues.js';
import { joinPointer, type SourceMap } from './source-map.js';
import type { UnresolvedReference } from './types.js';
import { classifyField, describeNeed, type VariableClass } from './variable-classes.js';

/** `$${` (escape), `${NAME}`, or a malformed `${…`. */
const REFERENCE = /\$\$\{|\$\{([^}\n]*)(\})?/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface InterpolationResult {
  issues: ManifestIssue[];
  /**
   * Scalars written with a `${…}` reference, with their text as written. Messages show
   * that text (`${IM_TOKEN}`) instead of the value, which may be a secret.
   */
  interpolated: Map<Scalar, string>;
  /**
   * Scalars whose value is not known — a malformed, missing or unneeded unset reference:
   * checks of their value would only be noise.
   */
  unknown: Set<Scalar>;
  unresolved: UnresolvedReference[];
}

/**
 * Replaces `${VAR}` in every string value of the document from `env`, on the YAML AST so
 * source positions stay exact. `$${` is a literal `${`; `{{author.id}}` templates are not
 * touched. Mapping keys are left alone (they are field names).
 *
 * An unset variable is an error at the position of its `${` — every one, not the first —
 * when its field's class is in `needs`; otherwise it is listed as information. A value with
 * any unset reference keeps its whole text as written, so no half-interpolated value (part
 * secret, part placeholder) exists anywhere.
 */
export function interpolateDocument(
  map: SourceMap,
  env: Record<string, string | undefined>,
  needs: readonly VariableClass[],
): InterpolationResult {
  const result: InterpolationResult = { issues: [], interpolated: new Map(), unknown: new Set(), unresolved: [] };
  visit(map.doc, {
    Scalar(key, node, path) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return;
      const segments = pointerSegments(path, node);
      interpolateScalar(node, classifyField(segments, node.anchor !== undefined), joinPointer('', ...segments), { map, env, needs, result });
    },
  });
  return result;
}

interface ScalarContext {
  map: SourceMap;
  env: Record<string, string | undefined>;
  needs: readonly VariableClass[];
  result: InterpolationResult;
}

function interpolateScalar(node: Scalar, variableClass: VariableClass, pointer: string, ctx: ScalarContext): void {
  const { map, env, result } = ctx;
  const written = node.value as string;
  const needed = ctx.needs.includes(variableClass);
  let referenced = false;
  let known = true;
  const value = written.replace(REFERENCE, (match: string, name: string | undefined, close: string | undefined) => {
    if (match === '$${') return '${';
    referenced = true;
    const location = locateInScalar(map, node, match);
    if (name === undefined || close === undefined || !NAME.test(name)) {
      result.issues.push(
        issue('interpolation_invalid', `invalid variable reference ${JSON.stringify(match)}: write \${NAME} with letters, digits and _ (a literal "\${" is written "$\${")`, location),
      );
      known = false;
      return match;
    }
    const resolved = env[name];
    if (resolved !== undefined) return resolved;
    known = false;
    if (needed) {
      result.issues.push(issue('env_missing', `environment variable ${name} is not set (referenced as \${${name}})`, location, { path: pointer }));
    } else {
      result.issues.push(issue('env_unset', `environment variable ${name} is not set (referenced as \${${name}}); ${describeNeed(variableClass)}`, location, { path: pointer, severity: 'info' }));
      result.unresolved.push({ variable: name, class: variableClass, location, path: pointer, written });
    }
    return match;
  });
  if (referenced) result.interpolated.set(node, map.sourceText(node) ?? written);
  if (!known) {
    result.unknown.add(node);
    return;
  }
  if (value !== written) node.value = value;
}

/** The JSON pointer segments of a scalar from the ancestors `visit` passes. */
function pointerSegments(path: readonly unknown[], node: unknown): string[] {
  const chain = [...path, node];
  const segments: string[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const parent = chain[i];
    if (isPair(parent)) segments.push(String(isScalar(parent.key) ? parent.key.value : parent.key));
    else if (isSeq(parent)) segments.push(String(parent.items.indexOf(chain[i + 1] as never)));
  }
  return segments;
}

/** The position of `${NAME}` inside the scalar's source text, else the scalar's start. */
function locateInScalar(map: SourceMap, node: Scalar, reference: string) {
  const start = node.range?.[0] ?? 0;
  const text = map.sourceText(node) ?? '';
  const index = text.indexOf(reference);
  return map.locateOffset(index >= 0 ? start + index : start);
}
