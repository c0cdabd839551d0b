import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { loadManifest, type LoadManifestResult } from '../../src/manifest/read-manifest.js';
import { manifestValidatorSource } from '../../src/manifest/validate-schema.js';
import {
  ACTION_VALIDATOR,
  compileValidator,
  generateValidatorModule,
  MANIFEST_VALIDATOR,
  schemaDigest,
  schemaText,
  type ValidateFunction,
  type ValidatorSpec,
} from '../../src/schema-validators.js';
import { HEADER } from './helpers.js';
import { fuzzRuns } from '../support/fuzz.js';

/**
 * `npm run build` precompiles the schemas with ajv's standalone code generation
 * (scripts/build-validators.mjs); the CLI from dist/ uses that module, vitest (src/) compiles
 * at run time. Both must give the same verdict and the same errors, on every fixture.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
// The generated module require()s ajv's runtime helpers, so it must live inside the package.
const cacheDir = path.join(root, 'node_modules', '.cache');
let workDir: string;

async function importGenerated(spec: ValidatorSpec): Promise<{ validate: ValidateFunction; schemaDigest: string }> {
  const file = path.join(workDir, `${spec.name}-validator.generated.mjs`);
  writeFileSync(file, await generateValidatorModule(spec));
  return (await import(pathToFileURL(file).href)) as { validate: ValidateFunction; schemaDigest: string };
}

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(full, pattern) : pattern.test(name) ? [full] : [];
    })
    .sort();
}

const fixtureFiles = [...files(path.join(root, 'test/fixtures/manifests'), /\.ya?ml$/), ...files(path.join(root, 'examples'), /\.ya?ml$/)];

/** Manifests written inline in test/manifest/*.test.ts (template literals using HEADER). */
function inlineManifests(): string[] {
  const texts: string[] = [];
  for (const file of files(path.join(root, 'test/manifest'), /\.test\.ts$/)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/`((?:[^`\\]|\\.)*)`/g)) {
      const text = match[1]!.replaceAll('${HEADER}', HEADER);
      if (!/guilds:|version:/.test(text) || /\$\{(?!\w+\})/.test(text)) continue;
      texts.push(text.replace(/\\n/g, '\n'));
    }
  }
  return texts;
}

/** Plain data for the validator; undefined when the text is not YAML (the loader reports that). */
function toData(text: string): unknown {
  try {
    return parse(text, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

/** Small edits of valid data that break the schema in different ways. */
function mutations(data: unknown): unknown[] {
  if (typeof data !== 'object' || data === null) return [];
  const base = JSON.stringify(data);
  const copy = () => JSON.parse(base) as Record<string, any>;
  const out: unknown[] = [];
  const add = (edit: (value: Record<string, any>) => void) => {
    const value = copy();
    try {
      edit(value);
      out.push(value);
    } catch {
      // the shape did not have that part
    }
  };
  add((v) => (v.unknown_top = true));
  add((v) => delete v.version);
  add((v) => (v.guilds[0].id = 535097935923380200));
  add((v) => (v.guilds[0].webhooks[0].name = ''));
  add((v) => (v.guilds[0].webhooks[0].nmae = 'typo'));
  add((v) => (v.guilds[0].commands[0].actions[0].type = 'NOPE'));
  add((v) => (v.guilds[0].commands[0].actions[0].url = 'not a url'));
  add((v) => (v.guilds[0].commands[0].actions[0] = { type: 'HTTP_POST' }));
  add((v) => (v.guilds = {}));
  return out;
}

function expectSameVerdict(runtime: ValidateFunction, precompiled: ValidateFunction, data: unknown): void {
  const a = runtime(data);
  const errorsA = structuredClone(runtime.errors ?? null);
  const b = precompiled(data);
  const errorsB = structuredClone(precompiled.errors ?? null);
  expect(b).toBe(a);
  expect(errorsB).toEqual(errorsA);
}

let runtime: { manifest: ValidateFunction; action: ValidateFunction };
let precompiled: { manifest: ValidateFunction; action: ValidateFunction; manifestDigest: string };

beforeAll(async () => {
  mkdirSync(cacheDir, { recursive: true });
  workDir = mkdtempSync(path.join(cacheDir, 'cordform-validators-'));
  const [manifest, action] = await Promise.all([importGenerated(MANIFEST_VALIDATOR), importGenerated(ACTION_VALIDATOR)]);
  precompiled = { manifest: manifest.validate, action: action.validate, manifestDigest: manifest.schemaDigest };
  runtime = { manifest: await compileValidator(MANIFEST_VALIDATOR), action: await compileValidator(ACTION_VALIDATOR) };
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
  vi.doUnmock('../../src/schema-validators.js');
});

describe('precompiled schema validators', () => {
  it('vitest runs src/, which has no generated module: the runtime compile is used', () => {
    expect(manifestValidatorSource).toBe('runtime');
  });

  it('a generated module records the digest of the schema it came from', () => {
    expect(precompiled.manifestDigest).toBe(schemaDigest(schemaText(MANIFEST_VALIDATOR)));
  });

  it('agrees with the runtime validator on every fixture, example and inline test manifest, and edits of them', () => {
    const inputs = [...fixtureFiles.map((file) => readFileSync(file, 'utf8')), ...inlineManifests()].map(toData).filter((data) => data !== undefined);
    expect(inputs.length).toBeGreaterThan(30);
    let checked = 0;
    for (const data of inputs) {
      for (const value of [data, ...mutations(data)]) {
        expectSameVerdict(runtime.manifest, precompiled.manifest, value);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('agrees with the runtime validator on random manifest-shaped data', () => {
    const snowflake = fc.oneof(fc.bigInt({ min: 10n ** 16n, max: 10n ** 19n }).map(String), fc.string(), fc.integer());
    const action = fc.oneof(
      fc.record({ type: fc.constantFrom('HTTP_POST', 'SEND_MESSAGE_TO_CHANNEL', 'EXECUTE_WEBHOOK', 'THIRD_PARTY_MESSAGE', 'X'), url: fc.oneof(fc.webUrl(), fc.string()), message: fc.string(), timeout_ms: fc.integer({ min: -10, max: 40_000 }) }, { requiredKeys: ['type'] }),
      fc.anything(),
    );
    const manifest = fc.record(
      {
        version: fc.oneof(fc.constant(1), fc.integer(), fc.string()),
        discord: fc.record({ token: fc.string(), api_base: fc.oneof(fc.webUrl(), fc.string()) }, { requiredKeys: [] }),
        guilds: fc.array(
          fc.record(
            {
              id: snowflake,
              prefix: fc.string({ maxLength: 14 }),
              webhooks: fc.array(fc.record({ name: fc.string({ maxLength: 90 }), channel: snowflake, extra: fc.anything() }, { requiredKeys: ['name'] }), { maxLength: 3 }),
              commands: fc.array(fc.record({ name: fc.string({ maxLength: 34 }), actions: fc.array(action, { maxLength: 3 }) }, { requiredKeys: ['name'] }), { maxLength: 3 }),
            },
            { requiredKeys: ['id'] },
          ),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(fc.oneof(manifest, fc.anything()), (data) => expectSameVerdict(runtime.manifest, precompiled.manifest, data)), { numRuns: fuzzRuns(300) });
  });

  it('the reply-action validator agrees too', () => {
    const reply = fc.record(
      {
        action: fc.constantFrom('SEND_MESSAGE_TO_CHANNEL', 'SEND_EMBED_TO_CHANNEL', 'EXECUTE_WEBHOOK', 'THIRD_PARTY_MESSAGE', 'NOPE'),
        parameters: fc.oneof(fc.record({ channel_id: fc.string(), message: fc.string(), webhook: fc.string(), content: fc.string(), user_id: fc.string(), embed: fc.anything() }, { requiredKeys: [] }), fc.anything()),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(fc.oneof(reply, fc.anything()), (data) => expectSameVerdict(runtime.action, precompiled.action, data)), { numRuns: fuzzRuns(300) });
  });

  it('loadManifest reports exactly the same issues with either validator', async () => {
    const env = { DISCORD_BOT_TOKEN: 'test-bot-token-value' };
    const load = (loader: typeof loadManifest) => Promise.all(fixtureFiles.map((file) => loader({ files: [path.relative(root, file)], cwd: root, env })));
    const withRuntime = await load(loadManifest);

    vi.resetModules();
    vi.doMock('../../src/schema-validators.js', async (importOriginal) => {
      const original = await importOriginal<typeof import('../../src/schema-validators.js')>();
      return {
        ...original,
        prepareValidator: async (spec: ValidatorSpec) =>
          spec === original.MANIFEST_VALIDATOR || spec.name === 'manifest' ? { source: 'precompiled', get: () => precompiled.manifest } : original.prepareValidator(spec),
      };
    });
    const fresh = await import('../../src/manifest/read-manifest.js');
    const { manifestValidatorSource: source } = await import('../../src/manifest/validate-schema.js');
    expect(source).toBe('precompiled');
    const withPrecompiled: LoadManifestResult[] = await load(fresh.loadManifest);
    expect(withPrecompiled).toEqual(withRuntime);
    expect(withRuntime.some((result) => result.errors.some((error) => error.code.startsWith('schema_')))).toBe(true);
  });

  it('dist/ (after npm run build) holds current generated modules, when it was built', async () => {
    const built = path.join(root, 'dist', MANIFEST_VALIDATOR.generatedModule);
    if (!existsSync(built)) return; // not built yet: nothing to check
    const module = (await import(pathToFileURL(built).href)) as { schemaDigest: string; validate: ValidateFunction };
    if (module.schemaDigest !== schemaDigest(schemaText(MANIFEST_VALIDATOR))) return; // stale dist: the loader falls back
    for (const file of fixtureFiles) {
      const data = toData(readFileSync(file, 'utf8'));
      if (data !== undefined) expectSameVerdict(runtime.manifest, module.validate, data);
    }
  });
});
