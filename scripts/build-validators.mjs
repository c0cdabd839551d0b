#!/usr/bin/env node
// Build step after tsc (package.json "build"): compiles each JSON Schema in schema/ once with
// ajv's standalone code generation and writes the validator modules into dist/, so that
// `cordform validate` and every manifest-reading command skip importing ajv and compiling
// the schema at start-up. See src/schema-validators.ts for how they are found and checked.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);
const { VALIDATOR_SPECS, generateValidatorModule } = await import(new URL('schema-validators.js', dist).href);

for (const spec of VALIDATOR_SPECS) {
  const started = performance.now();
  const code = await generateValidatorModule(spec);
  const target = fileURLToPath(new URL(spec.generatedModule, dist));
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, code);
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`build-validators: ${spec.schemaFile} -> dist/${spec.generatedModule} (${Math.round(code.length / 1024)} KiB, ${ms} ms)\n`);
}
