import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_TOKEN, channelId, seedWithChannels } from '../support/cli-harness.js';
import { USER_ID } from './helpers.js';
import { ensureBuilt, startSandboxProcess, type SandboxProcess } from '../support/sandbox-process.js';

/**
 * `cordform sandbox --state FILE` as a real process under four concurrent writers, killed
 * with SIGKILL three times at random moments: after each restart, every message that was
 * answered 2xx is there. The writers use the three ways a message is created — a bot's
 * POST /channels/{id}/messages, a webhook execute with ?wait=true, and the admin API — spread
 * over 20 channels so no channel reaches the per-channel message cap.
 */
const CHANNELS = 20;
const ROUNDS = 3;

let dir: string;
let statePath: string;
let seedPath: string;
let running: SandboxProcess | null = null;

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'cordform-durability-'));
  statePath = join(dir, 'state.json');
  seedPath = join(dir, 'seed.json');
  await writeFile(seedPath, JSON.stringify(seedWithChannels(CHANNELS)));
}, 120_000);

afterAll(async () => {
  running?.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

type Writer = (url: string, n: number) => Promise<Response>;

const json = (body: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(body) });

function writers(hook: { id: string; token: string }): Writer[] {
  const botPost: Writer = (url, n) =>
    fetch(`${url}/api/v10/channels/${channelId(n % CHANNELS)}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: `bot-${n}` }),
    });
  return [
    (url, n) => botPost(url, n * 4),
    (url, n) => botPost(url, n * 4 + 1),
    (url, n) => {
      const { body } = json({ content: `hook-${n}` });
      return fetch(`${url}/api/v10/webhooks/${hook.id}/${hook.token}?wait=true`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    },
    (url, n) => {
      const { body } = json({ channel_id: channelId((n * 4 + 3) % CHANNELS), author_id: USER_ID, content: `admin-${n}` });
      return fetch(`${url}/__sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    },
  ];
}

/** Runs one writer until its request fails (the process died); every 2xx answer's content is recorded. */
async function runWriter(url: string, write: Writer, start: number, acknowledged: Set<string>): Promise<number> {
  let n = start;
  for (;;) {
    let response: Response;
    try {
      response = await write(url, n);
    } catch {
      return n;
    }
    if (response.status >= 200 && response.status < 300) {
      const message = (await response.json().catch(() => null)) as { content?: string } | null;
      if (!message?.content) throw new Error(`2xx without a message: ${response.status}`);
      acknowledged.add(message.content);
    } else if (response.status !== 429) {
      throw new Error(`unexpected ${response.status}: ${await response.text()}`);
    }
    n += 1;
  }
}

async function storedContents(url: string): Promise<Set<string>> {
  const contents = new Set<string>();
  for (let i = 0; i < CHANNELS; i += 1) {
    const response = await fetch(`${url}/__sandbox/channels/${channelId(i)}/messages`);
    for (const message of (await response.json()) as Array<{ content: string }>) contents.add(message.content);
  }
  return contents;
}

describe('--state FILE under SIGKILL', () => {
  it('keeps every message that was answered 2xx across three kills at random moments', async () => {
    running = await startSandboxProcess(['--state', statePath, '--seed', seedPath, '--rate-limits', 'off']);
    const created = await fetch(`${running.url}/api/v10/channels/${channelId(2)}/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bot ${BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Durable' }),
    });
    expect(created.status).toBe(200);
    const hook = (await created.json()) as { id: string; token: string };

    const acknowledged = new Set<string>();
    const next = [0, 0, 0, 0];
    const perRound: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const before = acknowledged.size;
      const url = running.url;
      const work = writers(hook).map((write, i) => runWriter(url, write, next[i]!, acknowledged).then((n) => (next[i] = n)));
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 600));
      running.child.kill('SIGKILL');
      expect((await running.exited).signal).toBe('SIGKILL');
      await Promise.all(work);
      perRound.push(acknowledged.size - before);

      running = await startSandboxProcess(['--state', statePath, '--seed', seedPath, '--rate-limits', 'off']);
      const stored = await storedContents(running.url);
      const lost = [...acknowledged].filter((content) => !stored.has(content));
      expect(lost, `round ${round + 1}: ${lost.length} of ${acknowledged.size} acknowledged messages lost`).toEqual([]);
      // The webhook created before the first kill is still there with its token.
      const hookStillWorks = await fetch(`${running.url}/api/v10/webhooks/${hook.id}/${hook.token}`);
      expect(hookStillWorks.status).toBe(200);
    }
    // Every round wrote something, so every kill hit a sandbox under load.
    expect(perRound.every((count) => count > 0), `acknowledged per round: ${perRound.join(', ')}`).toBe(true);
    running.child.kill('SIGTERM');
    expect((await running.exited).code).toBe(0);
    running = null;
  }, 120_000);
});
