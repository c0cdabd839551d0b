// @ts-check
/**
 * Cuts Markdown to a size limit without breaking what follows it: the cut falls on a line
 * boundary (so never inside a multi-byte character, an HTML tag or an entity), a code
 * fence open at the cut is closed with its own marker, every `<details>` open at the cut is
 * closed, and a note says the text was cut. GitHub rejects comment and issue bodies over
 * 65,536 characters; job summaries over 1 MiB.
 */

/**
 * @typedef {object} CutOptions
 * @property {(text: string) => number} [measure]  size of a text (default: UTF-16 length,
 *   which is never less than GitHub's character count)
 * @property {string} note  appended after the cut (Markdown, its own paragraph)
 */

/**
 * @typedef {object} BlockState
 * @property {{ char: string, length: number, marker: string } | null} fence
 * @property {number} details
 */

/**
 * @param {string} markdown
 * @param {number} budget  the largest `measure(result)` allowed
 * @param {CutOptions} options
 * @returns {{ text: string, cut: boolean }}
 */
export function cutMarkdown(markdown, budget, options) {
  const measure = options.measure ?? ((/** @type {string} */ text) => text.length);
  if (measure(markdown) <= budget) return { text: markdown, cut: false };
  const note = `\n${options.note.trim()}\n`;
  const noteSize = measure(note);
  const lines = markdown.split('\n');
  /** @type {BlockState} */
  let state = { fence: null, details: 0 };
  let kept = 0;
  let keptSize = 0;
  let best = { lines: 0, closing: '' };
  for (let i = 0; i < lines.length; i++) {
    const closing = closers(state);
    if (keptSize + measure(closing) + noteSize <= budget) best = { lines: kept, closing };
    const line = `${lines[i]}\n`;
    keptSize += measure(line);
    if (keptSize > budget) break;
    state = advance(state, lines[i] ?? '');
    kept = i + 1;
  }
  const head = lines.slice(0, best.lines).map((line) => `${line}\n`).join('');
  if (best.lines === 0) {
    // Not even the first line fits: keep what fits of it, unless it opens a block.
    const partial = cutInsideLine(lines[0] ?? '', budget - noteSize - 1, measure);
    const opens = advance({ fence: null, details: 0 }, partial);
    const safe = opens.fence || opens.details > 0 ? '' : partial;
    return { text: `${safe}\n${note.trimStart()}`, cut: true };
  }
  return { text: head + best.closing + note, cut: true };
}

/**
 * What closes the blocks open in `state`: the fence first, then each `<details>`.
 * @param {BlockState} state
 */
function closers(state) {
  return (state.fence ? `${state.fence.marker}\n` : '') + '</details>\n'.repeat(state.details);
}

/**
 * The block state after one more line (CommonMark fences: 3+ backticks or tildes indented at
 * most 3 spaces, closed by the same character at least as many times).
 * @param {BlockState} state
 * @param {string} line
 * @returns {BlockState}
 */
function advance(state, line) {
  const fence = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
  if (state.fence) {
    const closes = fence && fence[1]?.[0] === state.fence.char && (fence[1]?.length ?? 0) >= state.fence.length && fence[2]?.trim() === '';
    return closes ? { ...state, fence: null } : state;
  }
  if (fence && fence[1] && !(fence[1][0] === '`' && fence[2]?.includes('`'))) {
    return { ...state, fence: { char: fence[1][0] ?? '`', length: fence[1].length, marker: fence[1] } };
  }
  const opened = (line.match(/<details[\s>]/gi) ?? []).length;
  const closed = (line.match(/<\/details\s*>/gi) ?? []).length;
  return { ...state, details: Math.max(0, state.details + opened - closed) };
}

/**
 * The last resort when not even the first line fits: whole code points only, and no tag or
 * entity left half-open at the end. (`measure` is additive: length or bytes.)
 * @param {string} line
 * @param {number} budget
 * @param {(text: string) => number} measure
 */
function cutInsideLine(line, budget, measure) {
  let text = '';
  let size = 0;
  for (const char of line) {
    size += measure(char);
    if (size > budget) break;
    text += char;
  }
  const openTag = text.lastIndexOf('<');
  if (openTag > text.lastIndexOf('>')) text = text.slice(0, openTag);
  const entity = /&[#\w]*$/.exec(text);
  return entity ? text.slice(0, entity.index) : text;
}
