// Benchmark 1 — plan at scale: 100 guilds × 100 webhooks, sandbox rate limits off.
// cordform's computePlan (createClientFor, as `cordform plan` does) against the same bare GETs
// (GET /users/@me and one GET /guilds/{id}/webhooks per guild, all at once, as computePlan
// issues them) done with plain undici at the same concurrency. See BENCHMARKS.md for what each figure means.
import { bareGets } from './lib/bare-gets.mjs';
import { dist, scratchDir } from './lib/paths.mjs';
import { spawnSandbox } from './lib/processes.mjs';
import { median, round, timed } from './lib/stats.mjs';
import { fmt, verdict } from './lib/table.mjs';
import { planWorld, writeAndReadManifest } from './lib/world.mjs';

const GUILDS = 100;
const WEBHOOKS_PER_GUILD = 100;
const RUNS = 5;

export async function runPlanScale(log = () => {}) {
  const { createClientFor } = await dist('api/client.js');
  const { computePlan } = await dist('api/compute-plan.js');
  const { isEmptyPlan } = await dist('plan/index.js');
  const scratch = scratchDir('plan');
  const { seed, manifest: data } = planWorld({ guilds: GUILDS, perGuild: WEBHOOKS_PER_GUILD });
  const sandbox = await spawnSandbox({ seed, rateLimits: 'off' });
  try {
    const manifest = await writeAndReadManifest(scratch.dir, data);
    // The sandbox runs with rate limits off, so cordform is told there is no global limit
    // either (CORDFORM_GLOBAL_RATE_LIMIT=off), as a user of such an endpoint would; the row
    // with Discord's default 50/s shows what the same plan costs under that limit.
    const env = { CORDFORM_API_BASE: sandbox.apiBase, CORDFORM_GLOBAL_RATE_LIMIT: 'off' };
    const ids = manifest.guilds.map((g) => g.id);

    const planOnce = async (client) => {
      await sandbox.clearRequests();
      try {
        const { ms, value } = await timed(() => computePlan(manifest, client));
        const logged = (await sandbox.requests()).length;
        if (!isEmptyPlan(value.plan)) throw new Error('plan-scale: the seeded world should plan no changes');
        return { ms, requests: client.stats().requests, logged, live: value.live };
      } finally {
        await client.close();
      }
    };
    const cordform = () => planOnce(createClientFor(manifest, { env }));
    // Diagnostic: the same plan with Discord's default proactive limit of 50 requests/s.
    const discordLimited = () => planOnce(createClientFor(manifest, { env: { CORDFORM_API_BASE: sandbox.apiBase } }));
    const bare = async () => timed(() => bareGets(sandbox.apiBase, ids));

    await cordform(); // warm-up: JIT, sandbox caches
    await bare();
    const walls = [];
    const bares = [];
    const limited = [];
    const requests = [];
    for (let run = 0; run < RUNS; run++) {
      const planned = await cordform();
      walls.push(planned.ms);
      requests.push(planned.requests, planned.logged);
      bares.push((await bare()).ms);
      limited.push((await discordLimited()).ms);
      log(`  plan-scale run ${run + 1}/${RUNS}: computePlan ${round(planned.ms)} ms (${planned.requests} requests, ${planned.logged} in the sandbox log), bare GETs ${round(bares.at(-1))} ms, with the default 50/s limiter ${round(limited.at(-1))} ms`);
    }
    // Diagnostic: the pure planner alone on the live state just read (no I/O).
    const { buildPlan } = await dist('plan/index.js');
    const { live } = await cordform();
    const planner = [];
    for (let run = 0; run < RUNS; run++) planner.push((await timed(() => buildPlan(manifest, live))).ms);
    const plannerMs = round(median(planner));
    const result = {
      guilds: GUILDS,
      webhooks: GUILDS * WEBHOOKS_PER_GUILD,
      requests: Math.max(...requests),
      wall_ms: round(median(walls)),
      bare_gets_ms: round(median(bares)),
    };
    const requestsOk = requests.every((count) => count === GUILDS + 1);
    const wallOk = result.wall_ms <= 2 * result.bare_gets_ms;
    const limitedMs = round(median(limited));
    // Discord allows a bot 50 requests per (fixed) second: guilds + 1 requests need this long at least.
    const globalFloorMs = (Math.ceil((GUILDS + 1) / 50) - 1) * 1000;
    return {
      key: 'plan_scale',
      result,
      pass: requestsOk && wallOk,
      extra: { default_global_limit_wall_ms: limitedMs, build_plan_ms: plannerMs, global_limit_floor_ms: globalFloorMs },
      rows: [
        { bench: 'plan at scale', figure: `requests (${GUILDS} guilds × ${WEBHOOKS_PER_GUILD} webhooks)`, value: String(result.requests), baseline: `guilds + 1 = ${GUILDS + 1}`, target: '= guilds + 1', result: verdict(requestsOk) },
        { bench: '', figure: 'computePlan wall (median)', value: fmt(result.wall_ms), baseline: `bare GETs ${fmt(result.bare_gets_ms)}`, target: `≤ 2 × bare (${fmt(2 * result.bare_gets_ms)})`, result: verdict(wallOk) },
        { bench: '', figure: '  same plan under the default 50/s global limit', value: fmt(limitedMs), baseline: `50/s floor ${fmt(globalFloorMs)}`, target: '(info)', result: limitedMs <= 1.2 * globalFloorMs ? '(within 1.2× of the floor)' : '(over 1.2× of the floor)' },
        { bench: '', figure: '  diagnostic: buildPlan alone (pure, 10 000 webhooks)', value: fmt(plannerMs), baseline: '', target: '(info)', result: '' },
      ],
    };
  } finally {
    await sandbox.close();
    scratch.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outcome = await runPlanScale(console.log);
  console.log(JSON.stringify(outcome, null, 2));
}
