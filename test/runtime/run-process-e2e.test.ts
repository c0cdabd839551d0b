import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { BOT_ID, BOT_TOKEN, DEPLOYS, GENERAL, GUILD, OTHER_BOT_TOKEN, startHarness, type Harness } from '../support/cli-harness.js';
import { ROOT, ensureBuilt, spawnCordform, spawnNode, type CordformProcess } from '../support/cordform-process.js';
import { eventually } from '../support/eventually.js';
import { DEFAULT_USER_ID } from '../../src/sandbox/server.js';

/**
 * `cordform run` as a real process against the sandbox: callbacks through the example
 * target's deferred job, EXECUTE_WEBHOOK never borrowing another bot's webhook, bind errors,
 * and SIGTERM draining.
 */
let harness: Harness | undefined;
const processes: CordformProcess[] = [];

beforeAll(ensureBuilt, 120_000);

afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop()));
  await harness?.close();
  harness = undefined;
});

function spawn(args: string[], env: Record<string, string> = {}): CordformProcess {
  const child = spawnCordform(args, { cwd: harness?.dir, env: { DISCORD_BOT_TOKEN: BOT_TOKEN, ...env } });
  processes.push(child);
  return child;
}

async function runtime(manifest: string, args: string[] = []): Promise<{ p: CordformProcess; port: number }> {
  const h = harness!;
  const file = await h.manifest(manifest);
  const p = spawn(['run', '-f', file, '--port', '0', ...args], { CORDFORM_API_BASE: h.sandbox.apiBase });
  const port = Number((await p.waitFor(/"port":(\d+).*"msg":"runtime started"/))[1]);
  return { p, port };
}

function messages(channelId: string) {
  return harness!.sandbox.state.messages.chronological(channelId);
}

function postAsUser(channelId: string, content: string): void {
  harness!.sandbox.postMessage({ channel_id: channelId, author_id: DEFAULT_USER_ID, content });
}

const commandManifest = (commands: string, webhooks = '') =>
  ['version: 1', 'discord:', '  token: ${DISCORD_BOT_TOKEN}', 'guilds:', `  - id: "${GUILD}"`, '    prefix: ">"', webhooks, '    commands:', commands, '']
    .filter((line) => line !== '')
    .join('\n');

describe('callbacks: X-CloudCord-APIBase + X-Cordform-Callback-Token', () => {
  it('a target that answered 204 acts later through {APIBase}/v1/actions: 200 and the message appears; a forged token gets 401', async () => {
    harness = await startHarness();
    const example = spawnExample();
    const exampleUrl = (await example.waitFor(/listening on (http:\/\/\S+)/))[1]!;
    const { port } = await runtime(
      commandManifest(['      - name: deferred', '        actions:', '          - type: HTTP_POST', `            url: ${exampleUrl}`].join('\n')),
    );
    postAsUser(GENERAL, '>deferred build 42');
    await eventually(() => messages(GENERAL).some((m) => m.content === 'Done: build 42'), 10_000);
    await example.waitFor(/deferred job for \d+ -> callback 200 \{"results":\[\{"action":"SEND_MESSAGE_TO_CHANNEL","outcome":"ok"/);
    expect(messages(GENERAL).find((m) => m.content === 'Done: build 42')?.author.id).toBe(BOT_ID);

    const forged = await fetch(`http://127.0.0.1:${port}/v1/actions`, {
      method: 'POST',
      headers: { authorization: 'Bearer cft1.eyJndWlsZElkIjoiMSJ9.Zm9yZ2VkLXNpZ25hdHVyZQ', 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: GENERAL, message: 'forged' } }),
    });
    expect(forged.status).toBe(401);
    expect(messages(GENERAL).some((m) => m.content === 'forged')).toBe(false);
  }, 40_000);

  function spawnExample(): CordformProcess {
    const example = spawnNode(join(ROOT, 'examples/http-post-server.mjs'), ['0'], { env: { JOB_DELAY_MS: '300' } });
    processes.push(example);
    return example;
  }
});

describe('EXECUTE_WEBHOOK uses only webhooks the bot owns', () => {
  it('another bot’s same-named webhook is never used; after apply the managed one is', async () => {
    harness = await startHarness();
    const h = harness;
    const theirs = await h.api('POST', `/channels/${DEPLOYS}/webhooks`, { name: 'Deploys' }, OTHER_BOT_TOKEN);
    expect(theirs.status).toBe(200);
    const manifest = commandManifest(
      ['      - name: announce', '        actions:', '          - type: EXECUTE_WEBHOOK', '            webhook: Deploys', '            content: "shipped {{args}}"'].join('\n'),
      ['    webhooks:', '      - name: Deploys', `        channel: "${DEPLOYS}"`].join('\n'),
    );
    const { p, port } = await runtime(manifest);

    postAsUser(GENERAL, '>announce v1');
    await p.waitFor(/"outcome":"error".*no webhook \\"Deploys\\" owned by the bot exists/);
    expect(messages(DEPLOYS).filter((m) => m.content === 'shipped v1')).toEqual([]);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('cordform_webhook_unavailable_total{reason="not_created"} 1');

    const applied = await h.cli(['apply', '-f', 'cordform.yaml', '--auto-approve'], { env: { CORDFORM_API_BASE: h.sandbox.apiBase } });
    expect(applied.code, applied.stderr).toBe(0);
    const ours = (await h.webhooks()).find((w) => w.name === 'Deploys' && w.user?.id === BOT_ID);
    expect(ours).toBeDefined();

    postAsUser(GENERAL, '>announce v2');
    await eventually(() => messages(DEPLOYS).some((m) => m.content === 'shipped v2'), 10_000);
    const posted = messages(DEPLOYS).filter((m) => m.content.startsWith('shipped'));
    expect(posted.map((m) => [m.content, m.webhook_id])).toEqual([['shipped v2', ours!.id]]);
    expect(p.stdout()).not.toContain(ours!.token!);
  }, 40_000);
});

describe('bind errors and signals', () => {
  it('run --port <taken> exits 1 with "port N is in use", never "internal error"', async () => {
    harness = await startHarness();
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as AddressInfo).port;
    try {
      const file = await harness.manifest(commandManifest(['      - name: ping', '        actions:', '          - type: SEND_MESSAGE_TO_CHANNEL', '            message: pong'].join('\n')));
      const p = spawn(['run', '-f', file, '--port', String(port)], { CORDFORM_API_BASE: harness.sandbox.apiBase });
      expect(await p.exited).toBe(1);
      expect(p.stderr()).toContain(`port ${port} is in use`);
      expect(p.stderr()).not.toContain('internal error');
    } finally {
      taken.close();
    }
  }, 30_000);

  it('a bad --host: "address not available" / "cannot resolve host", exit 1', async () => {
    harness = await startHarness();
    const file = await harness.manifest(commandManifest(['      - name: ping', '        actions:', '          - type: SEND_MESSAGE_TO_CHANNEL', '            message: pong'].join('\n')));
    for (const [host, message] of [
      ['203.0.113.7', 'address not available'],
      ['no-such-host.invalid', 'cannot resolve host "no-such-host.invalid"'],
    ]) {
      const io = createMemoryIo({ cwd: harness.dir, env: { ...harness.env } });
      expect(await runCli(['run', '-f', file, '--port', '0', '--host', host!], io)).toBe(1);
      expect(io.stderr()).toContain(message);
      expect(io.stderr()).not.toContain('internal error');
    }
  }, 30_000);

  it('SIGTERM drains in-flight actions and exits 0', async () => {
    harness = await startHarness();
    let received!: () => void;
    const inFlight = new Promise<void>((resolve) => (received = resolve));
    const slow = createServer((_req, res) => {
      received();
      setTimeout(() => res.writeHead(204).end(), 1000);
    });
    slow.listen(0, '127.0.0.1');
    await once(slow, 'listening');
    try {
      const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
      const { p } = await runtime(
        commandManifest(['      - name: slow', '        actions:', '          - type: HTTP_POST', `            url: ${url}`].join('\n')),
        ['--log-level', 'debug'],
      );
      postAsUser(GENERAL, '>slow');
      await inFlight;
      expect(await p.stop()).toBe(0);
      expect(p.stdout()).toMatch(/"in_flight":1,"msg":"stopping: draining in-flight actions"/);
      expect(p.stdout()).toMatch(/"action":"HTTP_POST","outcome":"nothing"/);
      expect(p.stdout()).toMatch(/"drained":true,"msg":"runtime stopped"/);
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  }, 30_000);
});

describe('cordform run --help', () => {
  it('names every flag and endpoint', async () => {
    const io = createMemoryIo({ cwd: process.cwd() });
    expect(await runCli(['run', '--help'], io)).toBe(0);
    for (const text of ['--shard I/N', '--shards auto', 'CORDFORM_SHARD', '--public-url URL', 'POST /v1/actions', 'GET  /healthz', 'docs/runtime.md']) {
      expect(io.stdout()).toContain(text);
    }
  });
});
