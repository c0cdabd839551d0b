/** Prints rows as a fixed-width text table (no colours: the output goes into logs and BENCHMARKS.md). */
export function formatTable(columns, rows) {
  const cells = rows.map((row) => columns.map((column) => String(row[column.key] ?? '')));
  const widths = columns.map((column, index) => Math.max(column.title.length, ...cells.map((row) => row[index].length)));
  const line = (values) => `| ${values.map((value, index) => value.padEnd(widths[index])).join(' | ')} |`;
  return [
    line(columns.map((column) => column.title)),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}

/** A figure: `12.3 ms`, `0`, `512/s`. */
export function fmt(value, unit = 'ms') {
  if (typeof value !== 'number') return String(value);
  const shown = Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  return unit ? `${shown} ${unit}` : String(shown);
}

export const verdict = (pass) => (pass ? 'PASS' : 'FAIL');
