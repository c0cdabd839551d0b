import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Options, ValidateFunction } from 'ajv/dist/2020.js';

/**
 * The JSON Schema validators cordform uses, and how they are obtained fast.
 *
 * Importing ajv and compiling the manifest schema costs more than the rest of `cordform
 * validate` together (ajv import ~80 ms, compile 130–250 ms on a small machine), so
 * `npm run build` runs scripts/build-validators.mjs, which compiles each schema once with
 * ajv's standalone code generation (https://ajv.js.org/standalone.html) into a module next
 * to its user in dist/. At run time `prepareValidator` imports that module when it exists
 * and was generated from the schema file as it is now (a SHA-256 digest is compared), and
 * otherwise falls back to compiling with ajv — which is what happens under vitest (src/ has
 * no generated modules) or after a plain `tsc`. Both paths use the options below, and a test
 * (test/manifest/precompiled-validator.test.ts) checks that they give the same errors.
 */
export interface ValidatorSpec {
  /** Used in messages and as the generated module's file stem. */
  name: string;
  /** The schema, relative to the package root. */
  schemaFile: string;
  /** The generated module, relative to dist/ (and to src/ for the look-up, where it is absent). */
  generatedModule: string;
  /** ajv (draft 2020-12) options; identical for the runtime and the build-time compile. */
  options: Options;
  /** ajv-formats formats to add; none = ajv-formats is not loaded. */
  formats: readonly string[];
}

/**
 * `allErrors` so the user sees every problem at once; `verbose` so each error carries the
 * data and its parent schema (titles for messages, property lists for "did you mean");
 * `discriminator` so an action's `type` selects one branch instead of a wall of `oneOf` errors.
 */
export const MANIFEST_VALIDATOR: ValidatorSpec = {
  name: 'manifest',
  schemaFile: 'schema/manifest.schema.json',
  generatedModule: 'manifest/manifest-validator.generated.js',
  options: { allErrors: true, verbose: true, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true },
  formats: ['uri'],
};

/** Reply actions from HTTP_POST targets: the first error is enough (it is only logged). */
export const ACTION_VALIDATOR: ValidatorSpec = {
  name: 'action',
  schemaFile: 'schema/action.schema.json',
  generatedModule: 'runtime/action-validator.generated.js',
  options: { allErrors: false, strict: true, strictRequired: false },
  formats: [],
};

/**
 * The sandbox's input files (seed, fault set, rate-limit profile) and its state file: every
 * problem at once with the data and schema (each `description` is the message), and
 * `discriminator` so a fault's `fault` or a journal entry's `op` selects one branch.
 */
const SANDBOX_OPTIONS: Options = {
  allErrors: true,
  verbose: true,
  discriminator: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
};

const sandboxValidator = (name: string): ValidatorSpec => ({
  name: `sandbox-${name}`,
  schemaFile: `schema/sandbox-${name}.schema.json`,
  generatedModule: `sandbox/input/${name}-validator.generated.js`,
  options: SANDBOX_OPTIONS,
  formats: [],
});

export const SANDBOX_SEED_VALIDATOR = sandboxValidator('seed');
export const SANDBOX_FAULTS_VALIDATOR = sandboxValidator('faults');
export const SANDBOX_RATE_LIMITS_VALIDATOR = sandboxValidator('rate-limits');
export const SANDBOX_STATE_VALIDATOR = sandboxValidator('state');

/** @public scripts/build-validators.mjs imports it from dist/. */
export const VALIDATOR_SPECS: readonly ValidatorSpec[] = [
  MANIFEST_VALIDATOR,
  ACTION_VALIDATOR,
  SANDBOX_SEED_VALIDATOR,
  SANDBOX_FAULTS_VALIDATOR,
  SANDBOX_RATE_LIMITS_VALIDATOR,
  SANDBOX_STATE_VALIDATOR,
];

export type ValidatorSource = 'precompiled' | 'runtime';

export interface PreparedValidator<T = unknown> {
  /** Where `get()` comes from: the build-time module or ajv at run time. */
  readonly source: ValidatorSource;
  /** The validate function (a runtime compile happens on the first call, then is cached). */
  get(): ValidateFunction<T>;
}

/** The shape of a module written by `generateValidatorModule`. */
interface GeneratedModule {
  schemaDigest: string;
  validate: ValidateFunction;
}

/** This file sits at the root of src/ or dist/; the package root is one level up. */
const ROOT = new URL('../', import.meta.url);

export function schemaText(spec: ValidatorSpec): string {
  return readFileSync(new URL(spec.schemaFile, ROOT), 'utf8');
}

export function schemaDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The precompiled validator when dist/ has a current one, else a lazily compiled one.
 * Only the fallback imports ajv. A generated module that exists but fails to load is a
 * build bug and throws.
 */
export async function prepareValidator<T = unknown>(spec: ValidatorSpec, text = schemaText(spec)): Promise<PreparedValidator<T>> {
  const generated = new URL(spec.generatedModule, import.meta.url);
  if (existsSync(generated)) {
    const loaded = (await import(generated.href)) as GeneratedModule;
    if (loaded.schemaDigest === schemaDigest(text)) {
      const validate = loaded.validate as ValidateFunction<T>;
      return { source: 'precompiled', get: () => validate };
    }
  }
  const compile = await runtimeCompiler(spec);
  let validate: ValidateFunction<T> | undefined;
  return {
    source: 'runtime',
    get: () => (validate ??= compile(JSON.parse(text) as object).validate as ValidateFunction<T>),
  };
}

/** Compiles with ajv now (tests compare this with the precompiled module). */
export async function compileValidator(spec: ValidatorSpec, text = schemaText(spec)): Promise<ValidateFunction> {
  return (await runtimeCompiler(spec))(JSON.parse(text) as object).validate;
}

type Ajv = InstanceType<typeof import('ajv/dist/2020.js').Ajv2020>;
type Compile = (schema: object) => { ajv: Ajv; validate: ValidateFunction };

async function runtimeCompiler(spec: ValidatorSpec, extra: Options = {}): Promise<Compile> {
  const [{ Ajv2020 }, formats] = await Promise.all([
    import('ajv/dist/2020.js'),
    spec.formats.length > 0 ? import('ajv-formats') : Promise.resolve(undefined),
  ]);
  return (schema) => {
    const ajv = new Ajv2020({ ...spec.options, ...extra });
    // ajv-formats is CommonJS with `exports.default`; the ESM default import is the module object.
    if (formats) formats.default.default(ajv, [...spec.formats] as Parameters<typeof formats.default.default>[1]);
    return { ajv, validate: ajv.compile(schema) };
  };
}

/**
 * The source of the module `prepareValidator` loads (build time: scripts/build-validators.mjs).
 * ajv's standalone ESM output still `require()`s its runtime helpers (ucs2length, equal,
 * ajv-formats' formats), so the module gets a `require` from `createRequire`.
 */
export async function generateValidatorModule(spec: ValidatorSpec, text = schemaText(spec)): Promise<string> {
  const [compile, standalone] = await Promise.all([
    runtimeCompiler(spec, { code: { source: true, esm: true } }),
    import('ajv/dist/standalone/index.js'),
  ]);
  const { ajv, validate } = compile(JSON.parse(text) as object);
  const code = standalone.default.default(ajv, validate);
  return [
    `// Generated by scripts/build-validators.mjs from ${spec.schemaFile} (ajv standalone). Do not edit.`,
    `import { createRequire } from 'node:module';`,
    `const require = createRequire(import.meta.url);`,
    `export const schemaDigest = ${JSON.stringify(schemaDigest(text))};`,
    code,
    '',
  ].join('\n');
}

export type { ValidateFunction };
