import { readFileSync } from 'node:fs';

/** The package version, read once from package.json (two levels up from src/ or dist/). */
export const VERSION: string = (() => {
  const raw = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(raw) as { version: string }).version;
})();

/** `cordform/VERSION (NODE)` — the User-Agent the runtime contract names. */
export function userAgent(node: string): string {
  return `cordform/${VERSION} (${node})`;
}
