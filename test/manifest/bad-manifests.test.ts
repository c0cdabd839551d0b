import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/read-manifest.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = path.join(root, 'test/fixtures/manifests/bad');
const env = { DISCORD_BOT_TOKEN: 'test-bot-token-value' };

interface Expectation {
  line: number;
  column: number;
  code: string;
  messageIncludes: string;
}

const cases = readdirSync(dir)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => {
    const expectation = JSON.parse(readFileSync(path.join(dir, name.replace(/\.yaml$/, '.expect.json')), 'utf8')) as Expectation;
    return { name, ...expectation };
  });

describe('bad manifests', () => {
  it('the corpus covers at least 24 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(24);
  });

  it.each(cases)('$name fails with $code at $line:$column', async ({ name, line, column, code, messageIncludes }) => {
    const file = path.join('test/fixtures/manifests/bad', name);
    const result = await loadManifest({ files: [file], cwd: root, env });
    expect(result.manifest).toBeUndefined();
    const match = result.errors.find((error) => error.code === code);
    expect(match, `errors were: ${JSON.stringify(result.errors, null, 2)}`).toBeDefined();
    expect(match!.location).toEqual({ file, line, column });
    expect(match!.message).toContain(messageIncludes);
    expect(result.errors.every((error) => error.code !== 'internal_error')).toBe(true);
  });
});
