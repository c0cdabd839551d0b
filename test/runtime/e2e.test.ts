import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { GatewayClient } from '../../src/discord/gateway-client.js';
import { DiscordRestClient } from '../../src/discord/rest-client.js';
import { startRuntime } from '../../src/runtime/runtime.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cliWorkspace } from '../support/cli-harness.js';
import { DEPLOYS, GENERAL, HUMAN_ID, command, eventually, guild, httpPost, manifest } from './fixtures.js';

/**
 * End to end: the sandbox (REST + gateway), the real REST and gateway clients, the runtime,
 * and the example HTTP_POST server from examples/ as a separate process.
 */
const exampleServer = fileURLToPath(new URL('../../examples/http-post-server.mjs', import.meta.url));

let sandbox: Sandbox;
let example: ChildProcess;
let exampleUrl: string;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off' });
  example = spawn(process.execPath, [exampleServer, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  exampleUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    example.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found?.[1]) resolve(found[1]);
    });
    example.once('exit', (code) => reject(new Error(`example server exited with ${code}`)));
  });
});

afterAll(async () => {
  if (example.exitCode === null) {
    example.kill('SIGTERM');
    await once(example, 'exit');
  }
  await sandbox?.close();
});

async function channelMessages(channelId: string): Promise<{ content: string; author: { id: string } }[]> {
  const res = await fetch(`${sandbox.url}/__sandbox/channels/${channelId}/messages`);
  return (await res.json()) as { content: string; author: { id: string } }[];
}

async function postAsHuman(channelId: string, content: string): Promise<void> {
  const res = await fetch(`${sandbox.url}/__sandbox/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channel_id: channelId, author_id: HUMAN_ID, content }),
  });
  expect(res.ok).toBe(true);
}

describe('runtime end to end against the sandbox', () => {
  it('>ping through the gateway → example server → "Pong!" in the channel (startRuntime)', async () => {
    const api = new DiscordRestClient({ apiBase: sandbox.apiBase, token: 'sandbox-bot-token' });
    const io = createMemoryIo({ cwd: process.cwd() });
    const runtime = await startRuntime({
      manifest: manifest(
        [guild([command('ping', [httpPost(exampleUrl)]), command('hello', [httpPost(exampleUrl)])])],
        { discord: { token: 'sandbox-bot-token', apiBase: sandbox.apiBase } },
      ),
      api,
      createGateway: (options) => new GatewayClient(options),
      port: 0,
      io,
    });
    try {
      expect((await fetch(`http://127.0.0.1:${runtime.port}/healthz`)).status).toBe(200);
      await postAsHuman(GENERAL, '>ping');
      await postAsHuman(DEPLOYS, '>hello');
      await eventually(async () => (await channelMessages(GENERAL)).some((m) => m.content === 'Pong!'), 10_000);
      await eventually(async () => (await channelMessages(DEPLOYS)).some((m) => m.content === `Hello, <@${HUMAN_ID}>!`), 10_000);
      // The bot's own "Pong!" came back over the gateway and was ignored: still exactly one.
      expect((await channelMessages(GENERAL)).filter((m) => m.content === 'Pong!')).toHaveLength(1);
    } finally {
      await runtime.stop();
      await api.close();
    }
    expect(io.stdout()).not.toContain('sandbox-bot-token');
  });

  it('`cordform run -f FILE` in-process: >ping → "Pong!", then exits 0 on the signal', async () => {
    const workspace = await cliWorkspace(sandbox);
    try {
      const file = await workspace.write(
        'cordform.yaml',
        [
          'version: 1',
          'discord:',
          '  token: ${DISCORD_BOT_TOKEN}',
          `  api_base: ${sandbox.apiBase}`,
          'runtime:',
          '  port: 0',
          'guilds:',
          `  - id: "${'100000000000000001'}"`,
          '    prefix: "!"',
          '    commands:',
          '      - name: ping',
          '        actions:',
          '          - type: HTTP_POST',
          `            url: ${exampleUrl}`,
          '',
        ].join('\n'),
      );
      const controller = new AbortController();
      const io = createMemoryIo({ cwd: workspace.dir, env: workspace.env, signal: controller.signal });
      const before = (await channelMessages(GENERAL)).length;
      const exit = runCli(['run', '-f', file, '--port', '0'], io);
      await eventually(() => io.stdout().includes('runtime started'), 10_000);
      await postAsHuman(GENERAL, '!ping');
      await eventually(async () => (await channelMessages(GENERAL)).slice(before).some((m) => m.content === 'Pong!'), 10_000);
      controller.abort();
      expect(await exit).toBe(0);
      expect(io.stdout()).toContain('runtime stopped');
      expect(io.stdout() + io.stderr()).not.toContain('sandbox-bot-token');
    } finally {
      await workspace.cleanup();
    }
  });
});
