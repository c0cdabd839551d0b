// Benchmark 1b — plan at Discord's scale: 100,000 webhooks, as 100 guilds × 1000 (Discord's
// limit per guild, the manifest in one file) and as 1000 guilds × 100 (the manifest split
// across 10 files), sandbox rate limits off. As in plan-scale.mjs, computePlan against the
// bare GETs it needs; and buildPlan's cost per webhook against the 10,000-webhook world
// (100 × 100), measured in turns in the same process; and `cordform plan -f DIR` end to end
// as its own process, with its peak RSS. See BENCHMARKS.md for what each figure means.
import { spawn } from 'node:child_process';
import v8 from 'node:v8';
import vm from 'node:vm';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bareGets } from './lib/bare-gets.mjs';
import { BIN, ROOT, dist, scratchDir } from './lib/paths.mjs';
import { spawnSandbox } from './lib/processes.mjs';
import { median, nowMs, round, timed } from './lib/stats.mjs';
import { fmt, verdict } from './lib/table.mjs';
import { BOT_TOKEN, planWorld, readManifestFiles, writeManifestFiles } from './lib/world.mjs';

/** results.json key → the world it measures. */
export const SHAPES = {
  plan_scale_100k: { guilds: 100, perGuild: 1000, files: 1 },
  plan_scale_100k_wide: { guilds: 1000, perGuild: 100, files: 10 },
};
const REFERENCE = { guilds: 100, perGuild: 100, files: 1 };
const RUNS = 7;
const PLANNER_ROUNDS = 15;

/**
 * Each timed planner call follows a full collection and one untimed call of the same size:
 * linearity is a question about the planner's own work. Without this, each call also paid
 * for the garbage the call before it left, which at the other size is 10× smaller or larger
 * (per-webhook ratios of 1.0–1.3 between runs of the same code); with the collection alone,
 * the young generation shrinks after it and the first call pays to grow it back.
 */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');
const REPORT_RSS = fileURLToPath(new URL('./lib/report-rss.mjs', import.meta.url));

/** A converged world in its own sandbox, with its manifest written as files and loaded by the built loader. */
async function openWorld(shape, scratch, label) {
  const { seed, manifest: data } = planWorld(shape);
  const sandbox = await spawnSandbox({ seed, rateLimits: 'off' });
  try {
    const dir = writeManifestFiles(path.join(scratch.dir, label), data, shape.files);
    const { ms, value: manifest } = await timed(() => readManifestFiles([dir], scratch.dir));
    return { shape, sandbox, dir, manifest, loadMs: ms, env: { CORDFORM_API_BASE: sandbox.apiBase, CORDFORM_GLOBAL_RATE_LIMIT: 'off' } };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

function cpuSince(start) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function measured(fn) {
  const cpu = process.cpuUsage();
  const { ms, value } = await timed(fn);
  return { ms, cpuMs: cpuSince(cpu), value };
}

/** `cordform plan -f DIR` as a user runs it: its own process, from start-up to exit. */
async function planWithCli(world) {
  const env = { PATH: process.env.PATH, CI: 'true', DISCORD_BOT_TOKEN: BOT_TOKEN, ...world.env };
  const started = nowMs();
  const child = spawn(process.execPath, ['--import', REPORT_RSS, BIN, 'plan', '-f', world.dir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  const ms = nowMs() - started;
  if (code !== 0 || !stdout.includes('No changes')) throw new Error(`cordform plan exited ${code}: ${stdout.slice(0, 500)} ${stderr.slice(0, 2000)}`);
  const kb = Number(/bench-peak-rss-kb (\d+)/.exec(stderr)?.[1]);
  return { ms, rssMb: round(kb / 1024) };
}

export async function runPlanScale100k(key, log = () => {}) {
  const shape = SHAPES[key];
  const { createClientFor } = await dist('api/client.js');
  const { computePlan } = await dist('api/compute-plan.js');
  const { buildPlan, isEmptyPlan } = await dist('plan/index.js');
  const scratch = scratchDir('plan-100k');
  const worlds = [];
  try {
    const world = await openWorld(shape, scratch, 'big');
    worlds.push(world);
    const reference = await openWorld(REFERENCE, scratch, 'reference');
    worlds.push(reference);
    const webhooks = shape.guilds * shape.perGuild;
    const ids = world.manifest.guilds.map((g) => g.id);

    let lastLive;
    const planOnce = async ({ manifest, env }) => {
      lastLive = undefined;
      const client = createClientFor(manifest, { env });
      try {
        const { ms, cpuMs, value } = await measured(() => computePlan(manifest, client));
        if (!isEmptyPlan(value.plan)) throw new Error('plan-scale-100k: the seeded world should plan no changes');
        // Only the last live state is kept (for the planner runs below): five of them would
        // make every later collection slower than a real `cordform plan` ever sees.
        lastLive = value.live;
        return { ms, cpuMs, requests: client.stats().requests };
      } finally {
        await client.close();
      }
    };
    const bare = async () => {
      const { ms, cpuMs } = await measured(() => bareGets(world.sandbox.apiBase, ids));
      return { ms, cpuMs };
    };

    await planOnce(world); // warm-up: JIT, sandbox caches
    await bare();
    const runs = [];
    // Back to back, in alternating order, so that load drifting during the benchmark (a shared
    // machine) hits both sides of each pair alike; the target is judged on the pairs' ratios.
    for (let run = 0; run < RUNS; run++) {
      let planned;
      let baseline;
      if (run % 2 === 0) {
        planned = await planOnce(world);
        baseline = await bare();
      } else {
        baseline = await bare();
        planned = await planOnce(world);
      }
      runs.push({ planned, baseline, ratio: planned.ms / baseline.ms });
      log(`  ${key} run ${run + 1}/${RUNS}: computePlan ${round(planned.ms)} ms (CPU ${round(planned.cpuMs)} ms, ${planned.requests} requests), bare GETs ${round(baseline.ms)} ms (CPU ${round(baseline.cpuMs)} ms)`);
    }

    // The pure planner alone, 100k and 10k webhooks in turns, on live states read above.
    const big = { manifest: world.manifest, live: lastLive };
    await planOnce(reference);
    const small = { manifest: reference.manifest, live: lastLive };
    const bigTimes = [];
    const smallTimes = [];
    for (let round = -2; round < PLANNER_ROUNDS; round++) {
      collectGarbage();
      buildPlan(small.manifest, small.live);
      const s = await timed(() => buildPlan(small.manifest, small.live));
      collectGarbage();
      buildPlan(big.manifest, big.live);
      const b = await timed(() => buildPlan(big.manifest, big.live));
      if (round >= 0) smallTimes.push(s.ms), bigTimes.push(b.ms);
    }
    const cli = await planWithCli(world);
    log(`  ${key}: cordform plan -f DIR (${shape.files} file(s)) ${round(cli.ms)} ms, peak RSS ${cli.rssMb} MB; manifest load in-process ${round(world.loadMs)} ms`);

    const result = {
      guilds: shape.guilds,
      webhooks,
      wall_ms: round(median(runs.map((r) => r.planned.ms))),
      bare_gets_ms: round(median(runs.map((r) => r.baseline.ms))),
      build_plan_ms: round(median(bigTimes)),
      build_plan_ms_10k: round(median(smallTimes)),
      rss_mb: cli.rssMb,
    };
    const usPerWebhook = (result.build_plan_ms * 1000) / webhooks;
    const usPerWebhook10k = (result.build_plan_ms_10k * 1000) / (REFERENCE.guilds * REFERENCE.perGuild);
    const linear = round(usPerWebhook / usPerWebhook10k, 2);
    const requestsOk = runs.every((r) => r.planned.requests === shape.guilds + 1);
    const pairedRatio = round(median(runs.map((r) => r.ratio)), 2);
    const wallOk = pairedRatio <= 1.5;
    const linearOk = linear <= 1.2;
    const planCpu = round(median(runs.map((r) => r.planned.cpuMs)));
    const bareCpu = round(median(runs.map((r) => r.baseline.cpuMs)));
    return {
      key,
      result,
      pass: requestsOk && wallOk && linearOk,
      extra: {
        manifest_files: shape.files,
        manifest_load_ms: round(world.loadMs),
        cli_plan_ms: round(cli.ms),
        client_cpu_ms: planCpu,
        bare_gets_cpu_ms: bareCpu,
        build_plan_us_per_webhook: round(usPerWebhook, 2),
        build_plan_us_per_webhook_10k: round(usPerWebhook10k, 2),
        wall_to_bare_ratio: pairedRatio,
        wall_ms_runs: runs.map((r) => round(r.planned.ms)),
        bare_gets_ms_runs: runs.map((r) => round(r.baseline.ms)),
      },
      rows: [
        { bench: `plan at 100k (${key === 'plan_scale_100k' ? 'deep' : 'wide'})`, figure: `requests (${shape.guilds} guilds × ${shape.perGuild} webhooks)`, value: String(Math.max(...runs.map((r) => r.planned.requests))), baseline: `guilds + 1 = ${shape.guilds + 1}`, target: '= guilds + 1', result: verdict(requestsOk) },
        { bench: '', figure: 'computePlan wall ÷ bare GETs (median of pairs)', value: `${pairedRatio}×`, baseline: `medians: plan ${fmt(result.wall_ms)}, bare GETs ${fmt(result.bare_gets_ms)}`, target: '≤ 1.5 ×', result: verdict(wallOk) },
        { bench: '', figure: 'buildPlan per webhook (median)', value: `${round(usPerWebhook, 2)} µs`, baseline: `10k webhooks ${round(usPerWebhook10k, 2)} µs (${linear}×)`, target: '≤ 1.2 × 10k', result: verdict(linearOk) },
        { bench: '', figure: '  client CPU per plan (median)', value: fmt(planCpu), baseline: `bare GETs ${fmt(bareCpu)}`, target: '(info)', result: '' },
        { bench: '', figure: `  cordform plan -f DIR (CLI, ${shape.files} file(s)), peak RSS`, value: fmt(cli.ms), baseline: `${cli.rssMb} MB RSS; load ${fmt(world.loadMs)}`, target: '(info)', result: '' },
      ],
    };
  } finally {
    await Promise.all(worlds.map((w) => w.sandbox.close()));
    scratch.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const key of process.argv.length > 2 ? process.argv.slice(2) : Object.keys(SHAPES)) {
    const outcome = await runPlanScale100k(key, console.log);
    console.log(JSON.stringify({ ...outcome, rows: undefined }, null, 2));
  }
}
