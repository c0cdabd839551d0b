import { isAlias, visit, type Document, type Node } from 'yaml';
import { issue, type ManifestIssue } from './issues.js';
import type { SourceMap } from './source-map.js';

/** yaml's own guard against "billion laughs": (uses of an anchor) × (aliases inside it). */
export const MAX_ALIAS_COUNT = 1000;
/** Upper bound on values after alias expansion, so later stages walk a bounded tree. */
export const MAX_EXPANDED_VALUES = 200_000;

/**
 * The document as plain data (what ajv validates). Aliases resolve to shared objects, so
 * memory stays linear, but every later walk sees the expanded tree: both bounds keep that
 * walk small, and crossing either is reported at the first alias.
 */
export function toData(doc: Document.Parsed, map: SourceMap): { data?: unknown; issues: ManifestIssue[] } {
  const refuse = (what: string): { issues: ManifestIssue[] } => ({
    issues: [issue('yaml_alias_limit', `${what}; refused as a possible alias bomb (use fewer anchors/aliases)`, firstAliasLocation(doc, map))],
  });
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError) return refuse(`aliases expand more than ${MAX_ALIAS_COUNT} times`);
    const message = error instanceof Error ? error.message : String(error);
    return { issues: [issue('yaml_invalid', `cannot read the YAML document: ${message}`, map.locateOffset(0))] };
  }
  if (countValues(data, MAX_EXPANDED_VALUES) > MAX_EXPANDED_VALUES) {
    return refuse(`the document expands to more than ${MAX_EXPANDED_VALUES} values through aliases`);
  }
  return { data, issues: [] };
}

/** Counts values of the expanded tree, stopping as soon as `limit` is passed. */
function countValues(root: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0 && count <= limit) {
    const value = stack.pop();
    count++;
    if (value === null || typeof value !== 'object') continue;
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push(child);
  }
  return count;
}

function firstAliasLocation(doc: Document.Parsed, map: SourceMap) {
  let found: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found && isAlias(found) ? map.locationOfNode(found) : map.locateOffset(0);
}
