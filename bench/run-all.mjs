// `npm run bench` (after `npm run build`): runs the benchmarks against the BUILT code in
// dist/, prints one table with each figure next to its baseline measured in the same run and
// the target's verdict, and writes bench/results.json. Missing a target does not fail the
// process (the table says FAIL); a benchmark that cannot run does (exit 1).
// What each figure means, and the results on the reference machine: BENCHMARKS.md.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runApplyRate } from './apply-rate.mjs';
import { formatTable } from './lib/table.mjs';
import { nowMs, round } from './lib/stats.mjs';
import { runPlanScale } from './plan-scale.mjs';
import { runPlanScale100k } from './plan-scale-100k.mjs';
import { runRuntimeDispatch } from './runtime-dispatch.mjs';
import { runStartup } from './startup.mjs';

const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));

/** results.json has exactly these keys; a benchmark that failed to run leaves nulls. */
const SHAPE = {
  plan_scale: ['guilds', 'webhooks', 'requests', 'wall_ms', 'bare_gets_ms'],
  plan_scale_100k: ['guilds', 'webhooks', 'wall_ms', 'bare_gets_ms', 'build_plan_ms', 'build_plan_ms_10k', 'rss_mb'],
  plan_scale_100k_wide: ['guilds', 'webhooks', 'wall_ms', 'bare_gets_ms', 'build_plan_ms', 'build_plan_ms_10k', 'rss_mb'],
  apply_rate: ['creates', 'wall_ms', 'min_ms', 'writes_ms', 'writes_min_ms', 'responses_429', 'discordjs_rest_wall_ms'],
  runtime_dispatch: ['events', 'events_per_s', 'p50_added_ms', 'p99_added_ms'],
  startup: ['validate_ms', 'node_ms'],
};

const BENCHMARKS = [
  ['startup', runStartup],
  ['plan_scale', runPlanScale],
  ['plan_scale_100k', (log) => runPlanScale100k('plan_scale_100k', log)],
  ['plan_scale_100k_wide', (log) => runPlanScale100k('plan_scale_100k_wide', log)],
  ['apply_rate', runApplyRate],
  ['runtime_dispatch', runRuntimeDispatch],
];

const log = (line) => process.stdout.write(`${line}\n`);
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');

log(`cordform benchmarks — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average ${load()}`);
const started = nowMs();
const outcomes = [];
let broken = false;
for (const [key, run] of BENCHMARKS) {
  log(`\n${key}:`);
  try {
    outcomes.push(await run(log));
  } catch (error) {
    broken = true;
    log(`  ${key} could not run: ${error?.stack ?? error}`);
    outcomes.push({ key, result: null, pass: false, extra: {}, rows: [{ bench: key, figure: 'could not run', value: '-', baseline: '-', target: '-', result: 'ERROR' }] });
  }
}

const results = {};
for (const [key, fields] of Object.entries(SHAPE)) {
  const measured = outcomes.find((outcome) => outcome.key === key)?.result ?? {};
  results[key] = Object.fromEntries(fields.map((field) => [field, measured[field] ?? null]));
}
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

const columns = [
  { key: 'bench', title: 'Benchmark' },
  { key: 'figure', title: 'Figure' },
  { key: 'value', title: 'cordform' },
  { key: 'baseline', title: 'Baseline (same run)' },
  { key: 'target', title: 'Target' },
  { key: 'result', title: 'Result' },
];
log(`\n${formatTable(columns, outcomes.flatMap((outcome) => outcome.rows))}`);
for (const outcome of outcomes) {
  if (outcome.extra && Object.keys(outcome.extra).length > 0) log(`${outcome.key} details: ${JSON.stringify(outcome.extra)}`);
}
const passed = outcomes.filter((outcome) => outcome.pass).length;
log(`\n${passed}/${outcomes.length} benchmarks meet every target. Wrote ${RESULTS}. ${round((nowMs() - started) / 1000)} s, load average now ${load()}.`);
if (broken) process.exitCode = 1;
