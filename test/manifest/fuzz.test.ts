import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadManifest, VARIABLE_NEEDS, type LoadManifestResult } from '../../src/manifest/read-manifest.js';
import { ENV, writeTree } from './helpers.js';
import { fuzzRuns } from '../support/fuzz.js';

const dir = writeTree({});
let counter = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function loadText(text: string | Uint8Array): Promise<LoadManifestResult> {
  const file = path.join(dir, `fuzz-${counter++}.yaml`);
  writeFileSync(file, text);
  // Every other load as `validate` does: unset variables deferred, not errors.
  return loadManifest({ files: [file], cwd: dir, env: { ...ENV, SET: 'value' }, ...(counter % 2 === 0 ? { needs: VARIABLE_NEEDS.offline } : {}) });
}

function expectWellFormed(result: LoadManifestResult): void {
  expect(Array.isArray(result.errors)).toBe(true);
  expect(result.errors.map((error) => error.code)).not.toContain('internal_error');
  expect(result.manifest !== undefined || result.errors.length > 0).toBe(true);
  for (const item of [...result.errors, ...result.warnings]) {
    expect(typeof item.message).toBe('string');
    if (item.location) expect(item.location.line).toBeGreaterThanOrEqual(1);
  }
}

/** YAML-ish fragments: structure, anchors, tags, quotes, interpolation, ids. */
const fragment = fc.constantFrom(
  '\n', '  ', '- ', ': ', '[', ']', '{', '}', ',', '"', "'", '&a ', '*a', '<<: *a', '!!str ', '!!binary ', '|\n', '>-\n', '---\n', '...\n',
  '# c\n', '? ', 'version: 1\n', 'guilds:\n', 'id: ', 'webhooks:\n', 'name: ', 'channel: ', '535097935923380200', '"100000000000000001"',
  '${SET}', '${MISSING}', '$${', '${', '{{author.id}}', 'actions:\n', 'type: HTTP_POST\n', 'url: ', 'http://x', '\t', '\u0000', '\uFEFF', 'é', '😀',
);

const snowflake = fc.oneof(fc.bigInt({ min: 10n ** 16n, max: 10n ** 19n }).map(String), fc.string(), fc.integer());
const action = fc.oneof(
  fc.record({ type: fc.constant('HTTP_POST'), url: fc.oneof(fc.webUrl(), fc.string()), timeout_ms: fc.option(fc.integer({ min: -10, max: 40000 }), { nil: undefined }) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('SEND_MESSAGE_TO_CHANNEL'), message: fc.string(), channel_id: fc.option(snowflake, { nil: undefined }) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('EXECUTE_WEBHOOK'), webhook: fc.string(), content: fc.option(fc.string(), { nil: undefined }) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('THIRD_PARTY_MESSAGE'), url: fc.webUrl(), token: fc.constant('${SET}'), user_id: fc.string(), message: fc.string() }),
  fc.record({ type: fc.string(), extra: fc.anything() }),
);
const manifestShape = fc.record(
  {
    version: fc.oneof(fc.constant(1), fc.integer(), fc.string()),
    discord: fc.record({ token: fc.oneof(fc.constant('${SET}'), fc.constant('${MISSING}'), fc.string()), api_base: fc.option(fc.webUrl(), { nil: undefined }) }, { requiredKeys: [] }),
    runtime: fc.record({ port: fc.integer({ min: -1, max: 70000 }), block_private_addresses: fc.boolean() }, { requiredKeys: [] }),
    guilds: fc.array(
      fc.record(
        {
          id: snowflake,
          prefix: fc.string({ maxLength: 14 }),
          prune: fc.oneof(fc.boolean(), fc.string()),
          webhooks: fc.array(fc.record({ name: fc.string({ maxLength: 90 }), channel: snowflake, avatar: fc.option(fc.constant('./nope.png'), { nil: undefined }) }, { requiredKeys: ['name'] }), { maxLength: 4 }),
          commands: fc.array(fc.record({ name: fc.string({ maxLength: 34 }), prefix: fc.boolean(), actions: fc.array(action, { maxLength: 3 }) }, { requiredKeys: ['name'] }), { maxLength: 3 }),
        },
        { requiredKeys: ['id'] },
      ),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ['version'] },
);

describe('the loader never throws (fast-check)', () => {
  it('random strings and YAML fragments come back as issues', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.array(fragment, { maxLength: 60 }).map((parts) => parts.join(''))), async (text) => {
        expectWellFormed(await loadText(text));
      }),
      { numRuns: fuzzRuns(300), interruptAfterTimeLimit: 20_000 },
    );
  });

  it('lists that are not lists come back as schema issues, not internal errors (found by this fuzz test)', async () => {
    for (const text of ['guilds:\n  $${', 'version: 1\nguilds: 5', 'guilds:\n  - id: "100000000000000001"\n    webhooks: "x"\n    commands: {}\n']) {
      const result = await loadText(text);
      expectWellFormed(result);
      expect(result.errors.map((issue) => issue.code)).not.toContain('internal_error');
    }
  });

  it('random bytes (invalid UTF-8 included) come back as issues', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        expectWellFormed(await loadText(bytes));
      }),
      { numRuns: fuzzRuns(200), interruptAfterTimeLimit: 10_000 },
    );
  });

  it('random manifest-shaped documents load or come back as issues', async () => {
    await fc.assert(
      fc.asyncProperty(manifestShape, async (shape) => {
        const result = await loadText(stringify(shape));
        expectWellFormed(result);
        if (result.manifest) expect(result.manifest.guilds.length).toBeLessThanOrEqual(shape.guilds?.length ?? 0);
      }),
      { numRuns: fuzzRuns(300), interruptAfterTimeLimit: 20_000 },
    );
  });
});
