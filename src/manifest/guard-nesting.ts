import type { CST } from 'yaml';

/**
 * Nesting limits that keep hostile YAML from exhausting the stack or the CPU. The `yaml`
 * composer recurses per nesting level and, a few hundred levels deep, can abort the whole
 * process (a V8 fatal error, not a catchable exception); its CST parser takes seconds on
 * a megabyte of `[[[[`. A real manifest nests about a dozen levels.
 */
export const MAX_NESTING = 64;

/**
 * A linear pre-scan run before the parser: flow brackets (`[`, `{`) outside quotes and
 * comments, and block indicators (`- `, `? `, `: `) stacked on one line. Returns the
 * offset where either exceeds `limit`. It can over-count brackets inside block scalars
 * (only pathological documents trip it) and the exact CST check below backs it up.
 */
export function findDeepFlowOrInlineNesting(text: string, limit = MAX_NESTING): number | undefined {
  let flow = 0;
  let inline = 0;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const prev = i > 0 ? text[i - 1] : '\n';
    const startsToken = prev === undefined || /[\s[\]{},:?-]/.test(prev);
    if (c === '\n') {
      inline = 0;
      atLineStart = true;
      continue;
    }
    if (c === '#' && (prev === ' ' || prev === '\t' || prev === '\n')) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
      continue;
    }
    if ((c === '"' || c === "'") && startsToken) {
      i = skipQuoted(text, i);
      atLineStart = false;
      continue;
    }
    if (c === '[' || c === '{') {
      flow++;
      if (flow > limit) return i;
    } else if (c === ']' || c === '}') {
      if (flow > 0) flow--;
    } else if ((c === '-' || c === '?' || c === ':') && flow === 0) {
      const next = text[i + 1];
      if (next === ' ' || next === '\t' || next === '\n' || next === undefined) {
        if (c !== ':' || !atLineStart) inline++;
        if (inline > limit) return i;
      }
    }
    if (c !== ' ' && c !== '\t') atLineStart = false;
  }
  return undefined;
}

function skipQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (quote === '"' && c === '\\') {
      i++;
    } else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") {
        i++;
        continue;
      }
      return i;
    }
  }
  return text.length;
}

/** Exact nesting depth of parsed CST tokens, computed without recursion. */
export function findDeepCstNode(tokens: CST.Token[], limit = MAX_NESTING): number | undefined {
  const stack: { token: unknown; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token === null || typeof token !== 'object') continue;
    const t = token as { offset?: number; value?: unknown; items?: { key?: unknown; value?: unknown }[] };
    if (depth > limit) return typeof t.offset === 'number' ? t.offset : 0;
    if (t.value !== null && typeof t.value === 'object') stack.push({ token: t.value, depth: depth + 1 });
    if (Array.isArray(t.items)) {
      for (const item of t.items) {
        if (item.key) stack.push({ token: item.key, depth: depth + 1 });
        if (item.value) stack.push({ token: item.value, depth: depth + 1 });
      }
    }
  }
  return undefined;
}
