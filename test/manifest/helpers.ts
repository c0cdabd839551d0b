import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh directory holding the given files (relative path → content). */
export function writeTree(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cordform-manifest-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

export const HEADER = 'version: 1\ndiscord:\n  token: ${DISCORD_BOT_TOKEN}\n';
export const ENV = { DISCORD_BOT_TOKEN: 'bot-token-for-tests-0123456789' };
