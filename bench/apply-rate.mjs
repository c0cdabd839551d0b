// Benchmark 2 — apply at the rate limit: 200 creates over 20 channels against the sandbox's
// default (`discord`) rate limits, a fresh sandbox per run. cordform's apply (writes + confirming read) against the
// minimum the buckets allow (computed from the profile) and against @discordjs/rest doing the
// same 200 creates. See BENCHMARKS.md for what each figure means.
import { REST } from '@discordjs/rest';
import { dist, scratchDir } from './lib/paths.mjs';
import { spawnSandbox } from './lib/processes.mjs';
import { median, nowMs, round, sleep, timed } from './lib/stats.mjs';
import { fmt, verdict } from './lib/table.mjs';
import { BOT_TOKEN, channelId, guildId, seedWorld, writeAndReadManifest } from './lib/world.mjs';

const CREATES = 200;
const CHANNELS = 20;
const RUNS = 3;

const declared = Array.from({ length: CREATES }, (_, i) => ({ name: `hook-${i}`, channel: channelId(0, i % CHANNELS) }));

/**
 * The least wall time any client can take, from the profile: creates share the per-channel
 * `channel-webhooks` bucket (limit per window) and the bot's global window. Windows are fixed
 * and open with their first request, so k windows' worth of requests needs (k − 1) full
 * windows before the last one may be sent. The answer to that last request adds one round
 * trip, which we leave out (it makes the minimum slightly easier to meet, not harder).
 */
export function minimumMs(profile, creates = CREATES, channels = CHANNELS, reads = 0) {
  const bucket = profile.buckets['channel-webhooks'];
  const perChannel = Math.ceil(creates / channels);
  const channelBound = bucket ? (Math.ceil(perChannel / bucket.limit) - 1) * bucket.window_ms : 0;
  const globalBound = profile.global ? (Math.ceil((creates + reads) / profile.global.limit) - 1) * profile.global.window_ms : 0;
  return { minMs: Math.max(channelBound, globalBound), channelBound, globalBound };
}

async function cordformRun(manifest) {
  const { createClientFor } = await dist('api/client.js');
  const { computePlan } = await dist('api/compute-plan.js');
  const { executePlan } = await dist('apply/apply-plan.js');
  const { confirmResult } = await dist('apply/confirm-result.js');
  const { buildWriteScope } = await dist('apply/write-scope.js');
  const sandbox = await spawnSandbox({ seed: seedWorld({ guilds: 1, channels: CHANNELS }), rateLimits: 'discord' });
  const client = createClientFor(manifest, { env: { CORDFORM_API_BASE: sandbox.apiBase } });
  try {
    const { plan, live } = await computePlan(manifest, client);
    const creates = plan.changes.filter((change) => change.action === 'create').length;
    if (creates !== CREATES || plan.blockers.length > 0) throw new Error(`apply-rate: expected ${CREATES} creates, got ${creates} (${plan.blockers.length} blockers)`);
    // Let the plan's reads leave the global window (the sandbox's and the client's) so that
    // only the creates are timed.
    await sleep(1100);
    await sandbox.clearRequests();
    const before = client.stats();
    // What an apply does after planning: the writes (timed alone too: they are the work
    // @discordjs/rest does below), then the one read per guild that confirms them and settles
    // twins of a concurrent apply.
    const scope = buildWriteScope(manifest, live);
    const started = nowMs();
    const execution = await executePlan(plan.changes, { api: client, manifest, scope, defaultReason: 'cordform bench' });
    const writesMs = nowMs() - started;
    const confirmed = await confirmResult(plan.changes, execution.outcomes, execution.written, { api: client, scope, reason: 'cordform bench' });
    const ms = nowMs() - started;
    if (confirmed.conflicts.length > 0) throw new Error(`apply-rate: ${confirmed.conflicts.length} conflicts`);
    const result = { counts: { done: confirmed.outcomes.filter((o) => o.status === 'done').length } };
    if (result.counts.done !== CREATES) throw new Error(`apply-rate: ${result.counts.done} of ${CREATES} creates done`);
    const log = await sandbox.requests();
    const after = client.stats();
    return { ms, writesMs, responses429: Math.max(log.filter((entry) => entry.status === 429).length, after.responses429 - before.responses429), requests: log.length };
  } finally {
    await client.close();
    await sandbox.close();
  }
}

async function discordjsRun() {
  const sandbox = await spawnSandbox({ seed: seedWorld({ guilds: 1, channels: CHANNELS }), rateLimits: 'discord' });
  const rest = new REST({ api: `${sandbox.url}/api`, version: '10' }).setToken(BOT_TOKEN);
  try {
    const { ms } = await timed(() =>
      Promise.all(declared.map((webhook) => rest.post(`/channels/${webhook.channel}/webhooks`, { body: { name: webhook.name }, reason: 'discord.js bench' }))),
    );
    const log = await sandbox.requests();
    return { ms, responses429: log.filter((entry) => entry.status === 429).length, requests: log.length };
  } finally {
    rest.clearHashSweeper?.();
    rest.clearHandlerSweeper?.();
    await sandbox.close();
  }
}

export async function runApplyRate(log = () => {}) {
  const { DISCORD_RATE_LIMITS } = await dist('sandbox/http/rate-limit-profile.js');
  const scratch = scratchDir('apply');
  try {
    const manifest = await writeAndReadManifest(scratch.dir, { version: 1, discord: { token: '${DISCORD_BOT_TOKEN}' }, guilds: [{ id: guildId(0), webhooks: declared }] });
    // The confirming read is one more request in the bot's global window.
    const { minMs, channelBound, globalBound } = minimumMs(DISCORD_RATE_LIMITS, CREATES, CHANNELS, 1);
    const writesMinMs = minimumMs(DISCORD_RATE_LIMITS).minMs;
    const walls = [];
    const writeWalls = [];
    const djsWalls = [];
    let responses429 = 0;
    let djs429 = 0;
    for (let run = 0; run < RUNS; run++) {
      const ours = await cordformRun(manifest);
      walls.push(ours.ms);
      writeWalls.push(ours.writesMs);
      responses429 = Math.max(responses429, ours.responses429);
      const theirs = await discordjsRun();
      djsWalls.push(theirs.ms);
      djs429 = Math.max(djs429, theirs.responses429);
      log(`  apply-rate run ${run + 1}/${RUNS}: cordform ${round(ours.ms)} ms, creates alone ${round(ours.writesMs)} ms (${ours.requests} requests, ${ours.responses429} × 429), @discordjs/rest ${round(theirs.ms)} ms (${theirs.requests} requests, ${theirs.responses429} × 429)`);
    }
    const result = {
      creates: CREATES,
      wall_ms: round(median(walls)),
      min_ms: minMs,
      writes_ms: round(median(writeWalls)),
      writes_min_ms: writesMinMs,
      responses_429: responses429,
      discordjs_rest_wall_ms: round(median(djsWalls)),
    };
    const ok429 = responses429 === 0;
    const okMin = result.wall_ms <= 1.2 * minMs;
    const okDjs = result.writes_ms <= result.discordjs_rest_wall_ms;
    return {
      key: 'apply_rate',
      result,
      pass: ok429 && okMin && okDjs,
      extra: { channel_bound_ms: channelBound, global_bound_ms: globalBound, discordjs_429: djs429 },
      rows: [
        { bench: 'apply at rate limit', figure: `429s received (${CREATES} creates / ${CHANNELS} channels)`, value: String(responses429), baseline: `@discordjs/rest: ${djs429}`, target: '= 0', result: verdict(ok429) },
        { bench: '', figure: 'apply wall: creates + confirming read (median)', value: fmt(result.wall_ms), baseline: `bucket minimum ${fmt(minMs)} (${CREATES + 1} requests)`, target: `≤ 1.2 × min (${fmt(1.2 * minMs)})`, result: verdict(okMin) },
        { bench: '', figure: '  the creates alone (median)', value: fmt(result.writes_ms), baseline: `@discordjs/rest ${fmt(result.discordjs_rest_wall_ms)} (min ${fmt(writesMinMs)})`, target: '≤ @discordjs/rest', result: verdict(okDjs) },
      ],
    };
  } finally {
    scratch.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outcome = await runApplyRate(console.log);
  console.log(JSON.stringify(outcome, null, 2));
}
