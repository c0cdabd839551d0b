// `npm run build && node bench/sandbox-durability.mjs`: what durability costs the sandbox.
// Four concurrent writers post channel messages for WINDOW_MS against an in-memory sandbox
// and against one with `--state` (every write journaled and fdatasync'd before its answer),
// in-process; then a `cordform sandbox --state` child process is SIGKILLed under the same
// load ROUNDS times and every message answered 2xx is looked for after the restart.
// Not part of run-all: its figures depend on the disk more than on cordform.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BIN, dist, scratchDir } from './lib/paths.mjs';
import { stopChild, waitForLine } from './lib/processes.mjs';
import { BOT_TOKEN } from './lib/world.mjs';

const WINDOW_MS = 3000;
const ROUNDS = 5;
const CHANNEL = '100000000000000002';
const HEADERS = { authorization: `Bot ${BOT_TOKEN}`, 'content-type': 'application/json' };

/** Four writers until `until()` says stop; returns the contents answered 2xx. */
async function load(apiBase, until) {
  const acked = [];
  await Promise.all(
    [0, 1, 2, 3].map(async (writer) => {
      for (let n = 0; !until(); n += 1) {
        const content = `w${writer}-${n}-${Math.random().toString(36).slice(2, 8)}`;
        let response;
        try {
          response = await fetch(`${apiBase}/channels/${CHANNEL}/messages`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ content }) });
          await response.arrayBuffer();
        } catch {
          return;
        }
        if (response.ok) acked.push(content);
      }
    }),
  );
  return acked;
}

async function throughput(statePath) {
  const { startSandbox } = await dist('sandbox/server.js');
  const sandbox = await startSandbox({ rateLimits: 'off', ...(statePath ? { statePath } : {}) });
  const end = Date.now() + WINDOW_MS;
  const acked = await load(sandbox.apiBase, () => Date.now() >= end);
  await sandbox.close();
  return Math.round(acked.length / (WINDOW_MS / 1000));
}

async function startChild(statePath) {
  const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--rate-limits', 'off', '--state', statePath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [, url] = await waitForLine(child, /listening on (\S+)/, 'sandbox');
  return { child, url };
}

async function killRounds(statePath) {
  const acked = new Set();
  let lost = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const { child, url } = await startChild(statePath);
    let dead = false;
    const writing = load(`${url}/api/v10`, () => dead);
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 800));
    child.kill('SIGKILL');
    dead = true;
    for (const content of await writing) acked.add(content);
    const restarted = await startChild(statePath);
    const stored = new Set(((await (await fetch(`${restarted.url}/__sandbox/channels/${CHANNEL}/messages`)).json())).map((m) => m.content));
    lost += [...acked].filter((content) => !stored.has(content)).length;
    await stopChild(restarted.child);
  }
  return { acknowledged: acked.size, lost };
}

const scratch = scratchDir('durability');
try {
  const memory = await throughput(null);
  const durable = await throughput(path.join(scratch.dir, 'throughput.json'));
  const kills = await killRounds(path.join(scratch.dir, 'kill.json'));
  process.stdout.write(`${JSON.stringify({ writers: 4, messages_per_s_in_memory: memory, messages_per_s_with_state: durable, kill_rounds: ROUNDS, ...kills })}\n`);
} finally {
  scratch.remove();
}
