// Benchmark 4 — CLI start-up: `node bin/cordform validate -f examples/basic.yaml` against a bare
// `node -e ""`, spawned alternately (so load on the machine hits both alike), median of RUNS each.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, dist } from './lib/paths.mjs';
import { median, nowMs, round } from './lib/stats.mjs';
import { fmt, verdict } from './lib/table.mjs';

const RUNS = 15;
const WARMUP = 2;

function spawnMs(args, env) {
  const started = nowMs();
  const child = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = nowMs() - started;
  if (child.status !== 0) throw new Error(`startup: node ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return ms;
}

/** Whether dist/ holds a precompiled manifest validator that matches the schema (see src/schema-validators.ts). */
async function precompiledState() {
  const { MANIFEST_VALIDATOR, schemaDigest, schemaText } = await dist('schema-validators.js');
  const file = path.join(ROOT, 'dist', MANIFEST_VALIDATOR.generatedModule);
  if (!existsSync(file)) return 'missing (runtime compile)';
  const digest = /schemaDigest = "([0-9a-f]+)"/.exec(readFileSync(file, 'utf8'))?.[1];
  return digest === schemaDigest(schemaText(MANIFEST_VALIDATOR)) ? 'precompiled' : 'stale (runtime compile)';
}

export async function runStartup(log = () => {}) {
  const env = { ...process.env, DISCORD_BOT_TOKEN: 'bench-token', CI: 'true' };
  const validate = [BIN, 'validate', '-f', 'examples/basic.yaml'];
  const bare = ['-e', ''];
  for (let i = 0; i < WARMUP; i++) {
    spawnMs(bare, env);
    spawnMs(validate, env);
  }
  const validateTimes = [];
  const nodeTimes = [];
  for (let i = 0; i < RUNS; i++) {
    nodeTimes.push(spawnMs(bare, env));
    validateTimes.push(spawnMs(validate, env));
  }
  const result = { validate_ms: round(median(validateTimes)), node_ms: round(median(nodeTimes)) };
  const validator = await precompiledState();
  log(`  startup: validate ${result.validate_ms} ms, node ${result.node_ms} ms (${RUNS} spawns each; manifest validator: ${validator})`);
  const ok = result.validate_ms <= 4 * result.node_ms;
  return {
    key: 'startup',
    result,
    pass: ok,
    extra: { runs: RUNS, ratio: round(result.validate_ms / result.node_ms, 2), manifest_validator: validator },
    rows: [
      { bench: 'CLI start-up', figure: `validate examples/basic.yaml (median of ${RUNS})`, value: fmt(result.validate_ms), baseline: `node -e "" ${fmt(result.node_ms)} (${round(result.validate_ms / result.node_ms, 2)}×)`, target: `≤ 4 × node (${fmt(4 * result.node_ms)})`, result: verdict(ok) },
      { bench: '', figure: '  manifest validator used', value: validator, baseline: '', target: '(info)', result: '' },
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outcome = await runStartup(console.log);
  console.log(JSON.stringify(outcome, null, 2));
}
