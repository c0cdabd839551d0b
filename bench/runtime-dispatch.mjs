// Benchmark 3 — runtime dispatch: prefix commands posted through the sandbox (admin API →
// gateway MESSAGE_CREATE) → `cordform run` (its own process, the real CLI) → HTTP_POST to a
// target on loopback → (every REPLY_EVERY-th event) a SEND_MESSAGE_TO_CHANNEL reply → message in
// the sandbox. Driven at a fixed rate; the baseline is a direct undici POST of the same payload
// to the same target at the same rate. Latency per event = target receipt − send, both on this
// process's monotonic clock (the send time travels in the message content).
// See BENCHMARKS.md for the exact definition of "added".
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { Agent, request } from 'undici';
import { stringify } from 'yaml';
import { BIN, scratchDir } from './lib/paths.mjs';
import { CHILD_NODE_ARGS, cpuMs, spawnSandbox, stopChild } from './lib/processes.mjs';
import { median, nowMs, percentile, round, sleep } from './lib/stats.mjs';
import { fmt, verdict } from './lib/table.mjs';
import { BOT_ID, BOT_TOKEN, HUMAN_ID, channelId, guildId, seedWorld } from './lib/world.mjs';

const RATE = Number(process.env.CORDFORM_BENCH_RATE ?? 500); // events per second
const WARMUP_MS = 1000;
const MEASURE_MS = 3000;
const RUNS = 3;
const REPLY_EVERY = 20; // 25 replies/s: Discord allows a bot 50 REST requests/s, so not every event can be answered
const TARGET_P99_ADDED_MS = 5;
const CHANNEL = channelId(0, 0);
const REPLY_CHANNEL = channelId(0, 1); // replies go elsewhere: the sandbox keeps 5000 messages per channel

/** The HTTP_POST target: records receipt times; answers 204, or a reply action for every REPLY_EVERY-th event. */
async function startTarget() {
  const received = new Map(); // seq → latency (ms)
  let sample;
  let label = '';
  let lastAt = 0;
  let replies = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const at = nowMs();
      const body = Buffer.concat(chunks).toString('utf8');
      const message = JSON.parse(body);
      const [, run, seq, sentAt] = String(message.content).split(' ');
      if (run === label) {
        received.set(Number(seq), at - Number(sentAt));
        lastAt = at;
      }
      sample ??= message;
      if (Number(seq) % REPLY_EVERY === 0 && !message.content.startsWith('direct')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        replies++;
        res.end(JSON.stringify({ action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: REPLY_CHANNEL, message: `ack ${run} ${seq}` } }));
      } else {
        res.writeHead(204).end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/bench`,
    /** Starts a new run: receipts are kept per run label. */
    begin(newLabel) {
      label = newLabel;
      received.clear();
    },
    received,
    lastReceipt: () => lastAt,
    repliesSent: () => replies,
    sample: () => sample,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Calls `send(seq, sentAt)` at a fixed rate for `ms`; sends that fall behind go out at once. */
async function drive(rate, ms, send) {
  const total = Math.round((rate * ms) / 1000);
  const interval = 1000 / rate;
  const start = nowMs();
  const pending = [];
  for (let seq = 0; seq < total; seq++) {
    const wait = start + seq * interval - nowMs();
    if (wait >= 1) await sleep(Math.floor(wait));
    pending.push(send(seq, nowMs()));
  }
  await Promise.all(pending);
  return total;
}

async function waitFor(check, timeoutMs, what, everyMs = 50) {
  const until = nowMs() + timeoutMs;
  while (nowMs() < until) {
    if (await check()) return;
    await sleep(everyMs);
  }
  throw new Error(`runtime-dispatch: timed out waiting for ${what}`);
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRuntimeProcess(dir, sandbox, targetUrl) {
  const manifestFile = path.join(dir, 'cordform.yaml');
  writeFileSync(
    manifestFile,
    stringify({
      version: 1,
      discord: { token: '${DISCORD_BOT_TOKEN}' },
      guilds: [{ id: guildId(0), prefix: '>', commands: [{ name: 'bench', actions: [{ type: 'HTTP_POST', url: targetUrl }] }] }],
    }),
  );
  const port = await freePort();
  const logFile = path.join(dir, 'runtime.log');
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...CHILD_NODE_ARGS, BIN, 'run', '-f', manifestFile, '--port', String(port)], {
    env: { ...process.env, DISCORD_BOT_TOKEN: BOT_TOKEN, CORDFORM_API_BASE: sandbox.apiBase, CI: 'true' },
    stdio: ['ignore', out, 'inherit'],
  });
  closeSync(out);
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`cordform run exited with ${child.exitCode}: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
      return (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200;
    }, 20_000, 'cordform run to be ready (gateway READY)');
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { child, stop: () => stopChild(child) };
}

function summarize(latencies) {
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function runRuntimeDispatch(log = () => {}) {
  const scratch = scratchDir('runtime');
  const target = await startTarget();
  const sandbox = await spawnSandbox({ seed: seedWorld({ guilds: 1, channels: 2 }), rateLimits: 'off' });
  const dispatcher = new Agent({ connections: 16, keepAliveTimeout: 10_000 });
  let runtime;
  try {
    runtime = await startRuntimeProcess(scratch.dir, sandbox, target.url);
    const admin = `${sandbox.url}/__sandbox/messages`;
    const botReplies = async () => {
      const res = await request(`${sandbox.url}/__sandbox/channels/${REPLY_CHANNEL}/messages`, { dispatcher });
      return (await res.body.json()).filter((m) => m.author.id === BOT_ID).length;
    };

    // One event through cordform: post as a user; the send time rides in the content.
    const adminRtts = [];
    const viaCordform = (label) => async (seq, sentAt) => {
      const res = await request(admin, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel_id: CHANNEL, author_id: HUMAN_ID, content: `>bench ${label} ${seq} ${sentAt.toFixed(4)}` }),
      });
      await res.body.dump();
      if (!label.startsWith('warm')) adminRtts.push(nowMs() - sentAt);
      if (res.statusCode !== 200) throw new Error(`admin post: ${res.statusCode}`);
    };
    // The baseline: the same payload straight to the target.
    const direct = (label) => {
      const template = { ...target.sample() };
      return async (seq, sentAt) => {
        const res = await request(target.url, {
          method: 'POST',
          dispatcher,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...template, content: `direct ${label} ${seq} ${sentAt.toFixed(4)}` }),
        });
        await res.body.dump();
      };
    };

    /**
     * Drives one phase and collects per-event latencies. An event that never reaches the
     * target (dropped by a full queue, lost) counts as infinitely late, so drops show up in
     * the percentiles instead of vanishing from them.
     */
    const phase = async (label, makeSend, ms) => {
      target.begin(label);
      const cpuBefore = { runtime: cpuMs(runtime.child.pid), sandbox: cpuMs(sandbox.pid), bench: process.cpuUsage() };
      const started = nowMs();
      const sent = await drive(RATE, ms, makeSend(label));
      let last = -1;
      await waitFor(async () => {
        const done = target.received.size >= sent || target.received.size === last;
        last = target.received.size;
        return done;
      }, 15_000, `${label} deliveries`, 250).catch(() => {});
      if (target.received.size < sent) await sleep(500); // stragglers after a quiet spell
      const latencies = [...target.received.values()];
      const delivered = latencies.length;
      while (latencies.length < sent) latencies.push(Number.POSITIVE_INFINITY);
      const bench = process.cpuUsage(cpuBefore.bench);
      // CPU each process spent per event in this phase (ms), where /proc tells.
      const cpu = {
        runtime: (cpuMs(runtime.child.pid) - cpuBefore.runtime) / sent,
        sandbox: (cpuMs(sandbox.pid) - cpuBefore.sandbox) / sent,
        bench: (bench.user + bench.system) / 1000 / sent,
      };
      // Achieved rate: deliveries over the time from the first send to the last delivery.
      return { sent, delivered, latencies, elapsedMs: target.lastReceipt() - started, cpu };
    };

    await phase('warm-cordform', viaCordform, WARMUP_MS);
    await phase('warm-direct', direct, WARMUP_MS);

    const runs = [];
    for (let run = 0; run < RUNS; run++) {
      const ours = await phase(`c${run}`, viaCordform, MEASURE_MS);
      const base = await phase(`d${run}`, direct, MEASURE_MS);
      const a = summarize(ours.latencies);
      const b = summarize(base.latencies);
      runs.push({ cpu: ours.cpu, directCpu: base.cpu, events: ours.sent, delivered: ours.delivered, eventsPerS: ours.delivered / (ours.elapsedMs / 1000), cordform: a, direct: b, p50Added: a.p50 - b.p50, p99Added: a.p99 - b.p99 });
      log(`  runtime-dispatch run ${run + 1}/${RUNS}: ${ours.delivered}/${ours.sent} events delivered, cordform p50 ${round(a.p50, 2)} / p99 ${round(a.p99, 2)} ms, direct p50 ${round(b.p50, 2)} / p99 ${round(b.p99, 2)} ms`);
    }
    // Every reply the target sent must become a message from the bot (they drain at the
    // REST client's 50 requests/s).
    log(`  admin post round trip (sandbox ingest): p50 ${round(percentile(adminRtts, 50), 2)} ms, p99 ${round(percentile(adminRtts, 99), 2)} ms`);
    const expected = target.repliesSent();
    let replies = 0;
    await waitFor(async () => (replies = await botReplies()) >= expected, 15_000, 'reply messages', 250).catch(() => {});

    const result = {
      events: runs[0].events,
      events_per_s: round(median(runs.map((r) => r.eventsPerS))),
      p50_added_ms: round(median(runs.map((r) => r.p50Added)), 2),
      p99_added_ms: round(median(runs.map((r) => r.p99Added)), 2),
    };
    const cordformP50 = round(median(runs.map((r) => r.cordform.p50)), 2);
    const cordformP99 = round(median(runs.map((r) => r.cordform.p99)), 2);
    const directP50 = round(median(runs.map((r) => r.direct.p50)), 2);
    const directP99 = round(median(runs.map((r) => r.direct.p99)), 2);
    const cpu = (key) => round(median(runs.map((r) => r.cpu[key])), 3);
    const cpuPerEvent = { runtime: cpu('runtime'), sandbox: cpu('sandbox'), bench: cpu('bench'), bench_direct: round(median(runs.map((r) => r.directCpu.bench)), 3) };
    const rateOk = result.events_per_s >= 0.95 * RATE;
    const p99Ok = result.p99_added_ms <= TARGET_P99_ADDED_MS && rateOk;
    return {
      key: 'runtime_dispatch',
      result,
      pass: p99Ok,
      extra: { rate: RATE, cordform_p50_ms: cordformP50, cordform_p99_ms: cordformP99, direct_p50_ms: directP50, direct_p99_ms: directP99, replies, replies_expected: expected, cpu_ms_per_event: cpuPerEvent, delivered: runs.map((r) => `${r.delivered}/${r.events}`).join(', ') },
      rows: [
        { bench: 'runtime dispatch', figure: `events/s (driven at ${RATE}/s, ${result.events} per run)`, value: fmt(result.events_per_s, '/s'), baseline: `offered ${RATE}/s; delivered ${runs.map((r) => `${r.delivered}/${r.events}`).join(', ')}`, target: `≥ 95% of ${RATE}/s`, result: verdict(rateOk) },
        { bench: '', figure: 'p50 added latency', value: fmt(result.p50_added_ms), baseline: `cordform ${fmt(cordformP50)} − direct ${fmt(directP50)}`, target: '(info)', result: '' },
        { bench: '', figure: 'p99 added latency', value: fmt(result.p99_added_ms), baseline: `cordform ${fmt(cordformP99)} − direct ${fmt(directP99)}`, target: `≤ ${TARGET_P99_ADDED_MS} ms at ${RATE}/s`, result: verdict(p99Ok) },
        { bench: '', figure: '  CPU per event: runtime / sandbox / driver+target', value: `${cpuPerEvent.runtime} ms`, baseline: `${cpuPerEvent.sandbox} ms / ${cpuPerEvent.bench} ms (direct: ${cpuPerEvent.bench_direct} ms)`, target: '(info)', result: '' },
        { bench: '', figure: `replies → messages (1 in ${REPLY_EVERY} events)`, value: `${replies}/${expected}`, baseline: '', target: 'all delivered', result: verdict(replies >= expected) },
      ],
    };
  } finally {
    await runtime?.stop();
    await dispatcher.close();
    await sandbox.close();
    await target.close();
    if (process.env.CORDFORM_BENCH_KEEP) log(`  kept ${scratch.dir}`);
    else scratch.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outcome = await runRuntimeDispatch(console.log);
  console.log(JSON.stringify(outcome, null, 2));
}
