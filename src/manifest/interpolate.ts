import { visit, type Scalar } from 'yaml';
import { issue, type ManifestIssue } from './issues.js';
import type { SourceMap } from './source-map.js';

/** `$${` (escape), `${NAME}`, or a malformed `${…`. */
const REFERENCE = /\$\$\{|\$\{([^}\n]*)(\})?/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface InterpolationResult {
  issues: ManifestIssue[];
  /**
   * Scalars whose value came (partly) from the environment, with their text as written.
   * Messages show that text (`${IM_TOKEN}`) instead of the value, which may be a secret.
   */
  interpolated: Map<Scalar, string>;
  /** Scalars with a missing or malformed reference: their schema errors would only be noise. */
  failed: Set<Scalar>;
}

/**
 * Replaces `${VAR}` in every string value of the document from `env`, on the YAML AST so
 * source positions stay exact. `$${` is a literal `${`; `{{author.id}}` templates are not
 * touched. Mapping keys are left alone (they are field names). A missing variable is an
 * error at the position of its `${` — every one, not the first.
 */
export function interpolateDocument(map: SourceMap, env: Record<string, string | undefined>): InterpolationResult {
  const issues: ManifestIssue[] = [];
  const interpolated = new Map<Scalar, string>();
  const failed = new Set<Scalar>();
  visit(map.doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return;
      const written = node.value;
      let changed = false;
      const value = written.replace(REFERENCE, (match: string, name: string | undefined, close: string | undefined) => {
        if (match === '$${') return '${';
        changed = true;
        const location = locateInScalar(map, node, match);
        if (name === undefined || close === undefined || !NAME.test(name)) {
          issues.push(
            issue('interpolation_invalid', `invalid variable reference ${JSON.stringify(match)}: write \${NAME} with letters, digits and _ (a literal "\${" is written "$\${")`, location),
          );
          failed.add(node);
          return match;
        }
        const resolved = env[name];
        if (resolved === undefined) {
          issues.push(issue('env_missing', `environment variable ${name} is not set (referenced as \${${name}})`, location));
          failed.add(node);
          return match;
        }
        return resolved;
      });
      if (changed) interpolated.set(node, map.sourceText(node) ?? written);
      if (value !== written) node.value = value;
    },
  });
  return { issues, interpolated, failed };
}

/** The position of `${NAME}` inside the scalar's source text, else the scalar's start. */
function locateInScalar(map: SourceMap, node: Scalar, reference: string) {
  const start = node.range?.[0] ?? 0;
  const text = map.sourceText(node) ?? '';
  const index = text.indexOf(reference);
  return map.locateOffset(index >= 0 ? start + index : start);
}
