import Ajv2020Module, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadManifestSchema } from './manifest-schema.js';

// ajv and ajv-formats are CommonJS with `exports.default`; under NodeNext the default import is the module object.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

let validator: ValidateFunction | undefined;

/**
 * The compiled manifest validator (compiled once per process). `allErrors` so the user sees
 * every problem at once; `verbose` so each error carries the data and its parent schema
 * (titles for messages, property lists for "did you mean"); `discriminator` so an action's
 * `type` selects one branch instead of a wall of `oneOf` errors.
 */
export function manifestValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv, ['uri']);
    validator = ajv.compile(loadManifestSchema());
  }
  return validator as ValidateFunction;
}

/** Raw ajv errors for one file's data (empty when valid). */
export function validateAgainstSchema(data: unknown): ErrorObject[] {
  const validate = manifestValidator();
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
