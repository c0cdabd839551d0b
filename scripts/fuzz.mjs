#!/usr/bin/env node
// `npm run fuzz [SCALE]`: the property tests with SCALE× their usual run counts (default 20),
// each on a fresh seed. `npm test` runs the same properties at 1×; use this before a release
// or after touching a parser. A failure prints fast-check's seed and counterexample.
import { spawnSync } from 'node:child_process';

const scale = process.argv[2] ?? '20';
const files = [
  'test/manifest/fuzz.test.ts',
  'test/manifest/precompiled-validator.test.ts',
  'test/sandbox/robustness.test.ts',
  'test/runtime/reply-actions.test.ts',
  'test/runtime/interactions.test.ts',
  'test/faults/hostile-input.test.ts',
  'test/plan/properties.test.ts',
];
const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--testTimeout=900000', ...files], {
  stdio: 'inherit',
  env: { ...process.env, CORDFORM_FUZZ_SCALE: scale },
});
process.exit(result.status ?? 1);
