import { checkInput, codeSource, parseInputText, readInputText, type InputKind } from '../input/input-file.js';
import type { SandboxSeed } from './seed-types.js';
import { checkSeedReferences } from './seed-references.js';

export type * from './seed-types.js';

/**
 * Seeds are checked against schema/sandbox-seed.schema.json, then for what a schema cannot
 * say (duplicate ids and tokens, references to users, bots, roles and channels). Every
 * problem is reported at once, each as `file:line:col: path: message`.
 */
const SEED: InputKind = { kind: 'seed', code: 'sandbox_seed_invalid', title: 'invalid sandbox seed' };

/** Parses a seed written as YAML or JSON (JSON is YAML). */
export function parseSeed(text: string, file: string): SandboxSeed {
  const { value, source } = parseInputText(text, file, SEED);
  return checkInput(value, SEED, source, checkSeedReferences);
}

/** Reads and parses a seed file; errors name the file. */
export async function readSeedFile(path: string): Promise<SandboxSeed> {
  return parseSeed(await readInputText(path, 'sandbox_seed_unreadable', 'seed file'), path);
}

/** Validates a seed given as an object (programmatic API, the state file's `seed`); same checks as parseSeed. */
export function assertSeed(value: unknown, what = 'seed'): SandboxSeed {
  return checkInput(value, SEED, codeSource(what), checkSeedReferences);
}
