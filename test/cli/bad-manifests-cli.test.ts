import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/cli-harness.js';

const badDir = fileURLToPath(new URL('../fixtures/manifests/bad/', import.meta.url));
const fixtures = (await readdir(badDir)).filter((name) => name.endsWith('.yaml')).sort();

/**
 * The corpus of bad manifests through the real CLI: every one exits 1 with its
 * file:line:col, and the sandbox sees no request at all (validation happens before any I/O).
 */
describe('bad manifests through `cordform plan` and `apply`', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('has a corpus of at least 20 bad manifests', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  it.each(fixtures)('%s → exit 1, line and column, nothing sent to Discord', async (name) => {
    const expected = JSON.parse(await readFile(join(badDir, name.replace(/\.yaml$/, '.expect.json')), 'utf8')) as {
      line: number;
      column: number;
    };
    await h.clearRequests();
    for (const command of ['plan', 'apply']) {
      const args = [command, '-f', join(badDir, name), ...(command === 'apply' ? ['--auto-approve'] : [])];
      const run = await h.cli(args);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${name}:${expected.line}:${expected.column}`);
      expect(run.stderr).not.toContain('internal error');
    }
    expect(h.requests()).toEqual([]);
  });
});
