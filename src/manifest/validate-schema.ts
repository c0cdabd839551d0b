import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { MANIFEST_VALIDATOR, prepareValidator, type ValidatorSource } from '../schema-validators.js';
import { loadManifestSchemaText } from './manifest-schema.js';

/**
 * The manifest validator: the module precompiled at build time (dist/manifest/
 * manifest-validator.generated.js, see src/schema-validators.ts) when it matches the schema
 * file, else ajv compiling schema/manifest.schema.json on first use (under vitest, which runs
 * src/). Options (allErrors, verbose, discriminator, …) are MANIFEST_VALIDATOR's either way.
 */
const prepared = await prepareValidator(MANIFEST_VALIDATOR, loadManifestSchemaText());

/** Which validator this process uses (`precompiled` from dist/, `runtime` under vitest). */
export const manifestValidatorSource: ValidatorSource = prepared.source;

export function manifestValidator(): ValidateFunction {
  return prepared.get();
}

/** Raw ajv errors for one file's data (empty when valid). */
export function validateAgainstSchema(data: unknown): ErrorObject[] {
  const validate = manifestValidator();
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
