import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  compileValidator,
  generateValidatorModule,
  SANDBOX_FAULTS_VALIDATOR,
  SANDBOX_RATE_LIMITS_VALIDATOR,
  SANDBOX_SEED_VALIDATOR,
  SANDBOX_STATE_VALIDATOR,
  type ValidateFunction,
  type ValidatorSpec,
} from '../../src/schema-validators.js';
import { FAULT_KINDS, FAULT_STATUSES } from '../../src/sandbox/http/faults-spec.js';
import { BUCKET_NAMES, DISCORD_RATE_LIMITS } from '../../src/sandbox/http/rate-limit-profile.js';
import { DEFAULT_SEED } from '../../src/sandbox/server.js';

/**
 * The committed JSON Schemas of the sandbox's inputs stay in step with the code that uses
 * them, and the modules `npm run build` precompiles from them judge exactly as ajv does at
 * run time.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const schema = (name: string) => JSON.parse(readFileSync(path.join(root, 'schema', `${name}.schema.json`), 'utf8'));
const example = (name: string) => parse(readFileSync(path.join(root, 'examples', name), 'utf8')) as unknown;
const workDir = mkdtempSync(path.join(root, 'node_modules', '.cache-sandbox-schemas-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('sandbox input schemas and the code', () => {
  it('the rate-limit schema knows exactly the buckets the sandbox has, and the example lists them all', () => {
    expect(schema('sandbox-rate-limits').$defs.bucketName.enum).toEqual([...BUCKET_NAMES]);
    expect(Object.keys(DISCORD_RATE_LIMITS.buckets)).toEqual([...BUCKET_NAMES]);
    expect(Object.keys((example('sandbox-rate-limits.yaml') as { buckets: object }).buckets)).toEqual([...BUCKET_NAMES]);
  });

  it('docs/sandbox.md documents every bucket', () => {
    const docs = readFileSync(path.join(root, 'docs', 'sandbox.md'), 'utf8');
    expect(BUCKET_NAMES.filter((name) => !docs.includes(`\`${name}\``))).toEqual([]);
  });

  it('the fault schema knows exactly the fault kinds and statuses the injector handles', () => {
    const branches = schema('sandbox-faults').$defs.fault.oneOf as Array<{ properties: { fault: { const: string }; status?: { enum: number[] } } }>;
    expect(branches.map((branch) => branch.properties.fault.const)).toEqual([...FAULT_KINDS]);
    expect(branches[0]!.properties.status!.enum).toEqual([...FAULT_STATUSES]);
  });
});

async function generated(spec: ValidatorSpec): Promise<ValidateFunction> {
  const file = path.join(workDir, `${spec.name}.generated.mjs`);
  writeFileSync(file, await generateValidatorModule(spec));
  return ((await import(pathToFileURL(file).href)) as { validate: ValidateFunction }).validate;
}

const samples: Array<[ValidatorSpec, unknown[]]> = [
  [SANDBOX_SEED_VALIDATOR, [DEFAULT_SEED, example('sandbox-seed.yaml'), { bots: 1 }, { bots: [{ id: 1 }], guilds: [{ members: [3, 'x'] }] }, []]],
  [SANDBOX_FAULTS_VALIDATOR, [example('sandbox-faults.yaml'), null, [{ route: 'x', fault: 'teapot' }], { faults: [{ route: '*', fault: 'reset', probability: 2, schedule: [] }] }]],
  [SANDBOX_RATE_LIMITS_VALIDATOR, [example('sandbox-rate-limits.yaml'), { buckets: { nope: null } }, { global: { limit: 0 } }, { global: 'off' }]],
  [SANDBOX_STATE_VALIDATOR, [{ seq: 1, op: 'reset' }, { seq: 0, op: 'webhook.put', webhook: null }, { format: 'x' }, { op: 'nope' }]],
];

describe('precompiled sandbox validators', () => {
  it.each(samples.map(([spec, data]) => [spec.name, spec, data] as const))('%s: the generated module agrees with ajv at run time', async (_name, spec, data) => {
    const [precompiled, runtime] = await Promise.all([generated(spec), compileValidator(spec)]);
    for (const value of data) {
      const a = precompiled(value);
      const b = runtime(value);
      expect(a).toBe(b);
      expect((precompiled.errors ?? []).map((e) => [e.instancePath, e.keyword])).toEqual((runtime.errors ?? []).map((e) => [e.instancePath, e.keyword]));
    }
  });
});
