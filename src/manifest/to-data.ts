import { isAlias, isCollection, isNode, isPair, visit, type Document, type Node } from 'yaml';
import { issue, type ManifestIssue } from './issues.js';
import type { SourceMap } from './source-map.js';

/** yaml's own guard against "billion laughs": (uses of an anchor) × (aliases inside it). */
export const MAX_ALIAS_COUNT = 1000;
/**
 * Upper bound on the values aliases add when they are expanded, so later stages walk a
 * bounded tree. Values written out in the file do not count: the file's size bounds those
 * (source-files.ts, parse-yaml.ts), and a manifest of 100 guilds × 1000 webhooks has
 * hundreds of thousands of them.
 */
export const MAX_ALIAS_EXPANSIONS = 200_000;

/**
 * The document as plain data (what ajv validates). Aliases resolve to shared objects, so
 * memory stays linear, but every later walk sees the expanded tree: both bounds keep that
 * walk small, and crossing either is reported at the first alias. The expansions are
 * counted on the YAML tree before anything is expanded.
 */
export function toData(doc: Document.Parsed, map: SourceMap): { data?: unknown; issues: ManifestIssue[] } {
  const refuse = (what: string): { issues: ManifestIssue[] } => ({
    issues: [issue('yaml_alias_limit', `${what}; refused as a possible alias bomb (use fewer anchors/aliases)`, firstAliasLocation(doc, map))],
  });
  if (aliasExpansions(doc) > MAX_ALIAS_EXPANSIONS) {
    return refuse(`aliases expand to more than ${MAX_ALIAS_EXPANSIONS} values`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError) return refuse(`aliases expand more than ${MAX_ALIAS_COUNT} times`);
    const message = error instanceof Error ? error.message : String(error);
    return { issues: [issue('yaml_invalid', `cannot read the YAML document: ${message}`, map.locateOffset(0))] };
  }
  return { data, issues: [] };
}

/**
 * How many values (scalars, mappings, sequences, keys included) the document's aliases add
 * when expanded: the expanded size of the tree minus its written nodes. One walk in document
 * order, children first: an alias names the last node anchored before it (YAML's rule), which
 * is then already sized — linear in the document, never recursing through aliases. An alias
 * inside the node it names (a cycle) expands without end.
 */
export function aliasExpansions(doc: Document): number {
  const anchored = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  let written = 0;
  const expandedSize = (node: unknown): number => {
    if (!isNode(node)) return 0;
    if (isAlias(node)) {
      const target = anchored.get(node.source);
      return target === undefined ? 1 : (sizes.get(target) ?? Number.POSITIVE_INFINITY);
    }
    if (node.anchor !== undefined) anchored.set(node.anchor, node);
    written += 1;
    let size = 1;
    if (isCollection(node)) {
      for (const item of node.items) size += isPair(item) ? expandedSize(item.key) + expandedSize(item.value) : expandedSize(item);
    }
    if (node.anchor !== undefined) sizes.set(node, size);
    return size;
  };
  return expandedSize(doc.contents) - written;
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
