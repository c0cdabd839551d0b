/**
 * Deterministic ordering. Code-unit comparison (never `localeCompare`, which depends on
 * the machine's locale) and numeric order for snowflakes (shorter = older = smaller).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareSnowflakes(a: string, b: string): number {
  return a.length - b.length || compareText(a, b);
}

/** Sorts a copy by a list of keys, compared in turn. */
export function sortBy<T>(items: readonly T[], ...keys: ((item: T) => string)[]): T[] {
  return [...items].sort((x, y) => {
    for (const key of keys) {
      const order = compareText(key(x), key(y));
      if (order !== 0) return order;
    }
    return 0;
  });
}
