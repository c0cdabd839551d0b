import { execSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratchDir } from './paths.mjs';

const SANDBOX_CHILD = fileURLToPath(new URL('./sandbox-child.mjs', import.meta.url));

/** Extra node flags for child processes, e.g. CORDFORM_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
export const CHILD_NODE_ARGS = (process.env.CORDFORM_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Resolves with the first stdout match of `pattern`; later output is read and dropped. */
export function waitForLine(child, pattern, label, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`${label}: no "${pattern}" within ${timeoutMs} ms; output: ${seen.slice(-2000)}`)), timeoutMs);
    const onData = (chunk) => {
      if (seen === null) return;
      seen += chunk.toString('utf8');
      const found = pattern.exec(seen);
      if (found) {
        clearTimeout(timer);
        seen = null; // keep draining the pipe, stop buffering
        resolve(found);
      }
    };
    const fail = (error) => {
      clearTimeout(timer);
      seen = null;
      reject(error);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => seen !== null && fail(new Error(`${label} exited with ${code}; output: ${seen.slice(-2000)}`)));
  });
}

export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await once(child, 'exit');
  clearTimeout(timer);
}

/**
 * A sandbox (dist/sandbox/server.js) in its own process, as Discord would be: its request
 * handling does not share the benchmark's event loop. `seed` is data; `rateLimits` 'discord' | 'off'.
 */
export async function spawnSandbox({ seed, rateLimits }) {
  const scratch = scratchDir('sandbox');
  const config = path.join(scratch.dir, 'sandbox.json');
  writeFileSync(config, JSON.stringify({ seed, rateLimits }));
  const child = spawn(process.execPath, [...CHILD_NODE_ARGS, SANDBOX_CHILD, config], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [, url] = await waitForLine(child, /sandbox listening on (http:\/\/\S+)/, 'sandbox');
    return {
      pid: child.pid,
      url,
      apiBase: `${url}/api/v10`,
      async requests() {
        const res = await fetch(`${url}/__sandbox/requests`);
        return res.json();
      },
      async clearRequests() {
        await fetch(`${url}/__sandbox/requests`, { method: 'DELETE' });
      },
      async close() {
        await stopChild(child);
        scratch.remove();
      },
    };
  } catch (error) {
    await stopChild(child);
    scratch.remove();
    throw error;
  }
}

let clockTicks;
/** CPU time (user + system, ms) a process has used so far, from /proc; undefined where there is no /proc. */
export function cpuMs(pid) {
  try {
    clockTicks ??= Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}
