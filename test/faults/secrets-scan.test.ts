import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { eventuallyValue as eventually } from '../support/eventually.js';
import { BOT_TOKEN, GENERAL, GUILD, DEPLOYS, startHarness, type Harness } from '../support/cli-harness.js';

/**
 * Every command, every output format, with known secret values planted: none of them may
 * appear in stdout, stderr, plan files, written manifests, logs or metrics.
 */
const BEARER = 'tp-bearer-token-SECRET-4711';
const SIGNING = 'whsec_c2lnbmluZy1zZWNyZXQtU0VDUkVULTQyNDI=';
const HEADER_SECRET = 'hdr-api-key-SECRET-0815';

describe('no secret reaches any output', () => {
  let h: Harness;
  let target: Server;
  let targetUrl: string;
  const seenAuth: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    target = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        if (req.url === '/sink') {
          seenAuth.push(String(req.headers.authorization));
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 0, result: { message: 'ok', cid: 'c1', count: 1, total: 1 } }));
          return;
        }
        const message = JSON.parse(body) as { channel_id: string };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: message.channel_id, message: 'Pong!' } }));
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => target.close(resolve));
    await h.close();
  });

  const manifest = () => `version: 1
discord:
  token: \${DISCORD_BOT_TOKEN}
guilds:
  - id: "${GUILD}"
    prefix: ">"
    webhooks:
      - name: Deploys
        channel: "${DEPLOYS}"
    commands:
      - name: ping
        actions:
          - type: HTTP_POST
            url: ${targetUrl}/hook
            signing_secret: \${SIGNING_SECRET}
            headers:
              X-Api-Key: \${HEADER_SECRET}
          - type: THIRD_PARTY_MESSAGE
            url: ${targetUrl}/sink
            token: \${IM_TOKEN}
            user_id: "{{author.id}}"
            message: "{{args}}"
          - type: EXECUTE_WEBHOOK
            webhook: Deploys
            content: "ping from {{author.username}}"
`;
  const env = { SIGNING_SECRET: SIGNING, HEADER_SECRET, IM_TOKEN: BEARER };

  it('validate, plan (all formats, --out), apply, check, import and run', async () => {
    const file = await h.manifest(manifest());
    const outputs: string[] = [];
    const run = async (args: string[], extraEnv: Record<string, string> = {}) => {
      const result = await h.cli(args, { env: { ...env, ...extraEnv } });
      outputs.push(`$ ${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
      return result;
    };

    await run(['validate', '-f', file]);
    await run(['validate', '-f', file, '--format', 'json']);
    for (const format of ['text', 'json', 'markdown']) await run(['plan', '-f', file, '--format', format, '--verbose']);
    expect((await run(['plan', '-f', file, '--out', 'plan.json'])).code).toBe(0);
    expect((await run(['apply', '-f', file, 'plan.json'])).code).toBe(0);
    expect((await run(['apply', '-f', file, '--auto-approve'])).code).toBe(0);
    await run(['check', '-f', file]);
    await run(['import', '--guild', GUILD, '--all']);
    await run(['import', '--guild', GUILD, '--out', 'imported.yaml']);
    await run(['plan', '-f', file], { DISCORD_BOT_TOKEN: `${BOT_TOKEN}-but-wrong` });
    await run(['plan', '-f', file, '--debug'], { IM_TOKEN: '' });

    // The runtime: logs (stdout) and metrics while it executes every secret-bearing action.
    const controller = new AbortController();
    const io = createMemoryIo({ cwd: h.dir, env: { ...h.env, ...env }, signal: controller.signal });
    const running = runCli(['run', '-f', file, '--port', '0', '--log-level', 'debug'], io);
    const port = await eventually(() => Number(/"port":(\d+)/.exec(io.stdout())?.[1]) || undefined);
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200 || undefined);
    h.sandbox.postMessage({ channel_id: GENERAL, author_id: '100000000000000020', content: '>ping hello there' });
    await eventually(() => (seenAuth.length > 0 ? true : undefined));
    await eventually(async () => {
      const messages = (await (await fetch(`${h.sandbox.url}/__sandbox/channels/${DEPLOYS}/messages`)).json()) as { content: string }[];
      return messages.some((m) => m.content.startsWith('ping from')) || undefined;
    });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    controller.abort();
    expect(await running).toBe(0);
    outputs.push(io.stdout(), io.stderr(), metrics);
    expect(seenAuth).toContain(`Bearer ${BEARER}`);

    const files = await Promise.all(
      (await readdir(h.dir)).filter((name) => /\.(json|yaml)$/.test(name)).map((name) => readFile(join(h.dir, name), 'utf8')),
    );
    const webhookTokens = (await h.webhooks()).map((w) => w.token!);
    const secrets = [BOT_TOKEN, BEARER, SIGNING, SIGNING.slice('whsec_'.length), HEADER_SECRET, ...webhookTokens];
    expect(webhookTokens.length).toBeGreaterThan(0);
    expect(files.length).toBeGreaterThanOrEqual(3); // manifest, plan.json, imported.yaml
    const everything = [...outputs, ...files];
    for (const text of everything) {
      for (const secret of secrets) expect(text, `leaked ${secret.slice(0, 6)}…`).not.toContain(secret);
    }
  }, 60_000);
});
