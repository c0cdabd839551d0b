import type { ErrorObject } from 'ajv/dist/2020.js';
import {
  prepareValidator,
  SANDBOX_FAULTS_VALIDATOR,
  SANDBOX_RATE_LIMITS_VALIDATOR,
  SANDBOX_SEED_VALIDATOR,
  SANDBOX_STATE_VALIDATOR,
} from '../../schema-validators.js';

/**
 * The JSON Schemas of the sandbox's inputs (schema/sandbox-*.schema.json), precompiled by
 * `npm run build` like the manifest's and compiled by ajv on first use otherwise (under
 * vitest). See src/schema-validators.ts.
 */
const prepared = {
  seed: await prepareValidator(SANDBOX_SEED_VALIDATOR),
  faults: await prepareValidator(SANDBOX_FAULTS_VALIDATOR),
  'rate-limits': await prepareValidator(SANDBOX_RATE_LIMITS_VALIDATOR),
  state: await prepareValidator(SANDBOX_STATE_VALIDATOR),
};

export type SandboxInputKind = keyof typeof prepared;

/** ajv's errors for `data` against the kind's schema; empty when valid. */
export function schemaErrors(kind: SandboxInputKind, data: unknown): ErrorObject[] {
  const validate = prepared[kind].get();
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
