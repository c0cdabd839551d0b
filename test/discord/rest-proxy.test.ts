import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DiscordRequestOutcomeUnknown } from '../../src/discord/discord-api-error.js';
import { DiscordRestClient } from '../../src/discord/rest-client.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { DEFAULT_BOT_TOKEN, GENERAL_CHANNEL_ID } from '../../src/sandbox/server.js';

/**
 * REST through a shared rate-limit proxy (`discord.api_base: http://nirn-proxy:8080/api/v10`).
 * The proxy relays to Discord (here the sandbox) and adds answers of its own:
 * - a 429 when a cluster node it routed to failed, marked `generated-by-proxy: true`, asking
 *   for a 1 s wait (nirn-proxy's Generate429: x-ratelimit-scope user, limit 1, remaining 0,
 *   retry-after 1, body {global: false, retry_after: 1}); the request never reached Discord,
 *   so it is retried like Discord's own 429s, POSTs included;
 * - a 408 when Discord answered slower than its REQUEST_TIMEOUT: maybe applied, so retried
 *   only when idempotent.
 */
let sandbox: Sandbox | undefined;
let proxy: Server | undefined;
let client: DiscordRestClient | undefined;

afterEach(async () => {
  await client?.close();
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await sandbox?.close();
  client = undefined;
  proxy = undefined;
  sandbox = undefined;
});

type Own = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Relays to the sandbox unless `own` answered the request itself. */
async function startProxy(upstream: string, own: Own): Promise<string> {
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (own(req, res)) return;
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== 'host' && name !== 'content-length')) as Record<string, string>;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(`${upstream}${req.url}`, { method: req.method, headers, ...(body ? { body } : {}) })
        .then(async (answer) => {
          const relayed: Record<string, string> = {};
          answer.headers.forEach((value, name) => {
            if (name !== 'content-length' && name !== 'content-encoding' && name !== 'transfer-encoding') relayed[name] = value;
          });
          res.writeHead(answer.status, relayed).end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api/v10`;
}

function nirn429(res: ServerResponse): true {
  res.writeHead(429, {
    'generated-by-proxy': 'true',
    'x-ratelimit-scope': 'user',
    'x-ratelimit-limit': '1',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1),
    'x-ratelimit-after': '1',
    'retry-after': '1',
    'content-type': 'application/json',
  });
  res.end('{\n\t"global": false,\n\t"message": "You are being rate limited.",\n\t"retry_after": 1\n}');
  return true;
}

function channelMessages(s: Sandbox): string[] {
  return s.state.messages.chronological(GENERAL_CHANNEL_ID).map((m) => m.content);
}

describe('REST through a rate-limit proxy', () => {
  it('the proxy’s own 429 (generated-by-proxy) is waited out and retried, POST included, and the message is sent once', async () => {
    sandbox = await startSandbox({ rateLimits: 'off' });
    let generated = 0;
    const apiBase = await startProxy(sandbox.url, (req, res) => req.method === 'POST' && generated++ < 2 && nirn429(res));
    const statuses: number[] = [];
    client = new DiscordRestClient({ apiBase, token: DEFAULT_BOT_TOKEN, onResponse: (info) => statuses.push(info.status) });
    const started = Date.now();
    const message = await client.createMessage(GENERAL_CHANNEL_ID, { content: 'through the proxy' });
    expect(message.content).toBe('through the proxy');
    expect(statuses).toEqual([429, 429, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900); // retry-after 1 s, twice
    expect(channelMessages(sandbox)).toEqual(['through the proxy']);
    expect(client.stats()).toMatchObject({ responses429: 2, retries: 2 });
  });

  it('the proxy’s 408 (Discord slower than its timeout): a GET is retried, a POST is an unknown outcome', async () => {
    sandbox = await startSandbox({ rateLimits: 'off' });
    const timeouts = { POST: 0, GET: 0 };
    const timeout: Own = (req, res) => {
      const method = req.method as 'POST' | 'GET';
      // Every POST times out; a GET only the first time.
      if (!req.url?.endsWith('/messages') || (method === 'GET' && timeouts.GET > 0)) return false;
      timeouts[method] += 1;
      res.writeHead(408, { 'generated-by-proxy': 'true' }).end();
      return true;
    };
    const apiBase = await startProxy(sandbox.url, timeout);
    client = new DiscordRestClient({ apiBase, token: DEFAULT_BOT_TOKEN, backoff: { baseMs: 10, maxMs: 20 } });
    await expect(client.createMessage(GENERAL_CHANNEL_ID, { content: 'maybe sent' })).rejects.toBeInstanceOf(DiscordRequestOutcomeUnknown);
    const list = await client.request<unknown[]>('GET', `/channels/${GENERAL_CHANNEL_ID}/messages`);
    expect(Array.isArray(list)).toBe(true);
    expect(timeouts).toEqual({ POST: 1, GET: 1 });
  });
});
