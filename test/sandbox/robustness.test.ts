import fc from 'fast-check';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { Api, createWebhook, GENERAL, startTestSandbox } from './helpers.js';
import { fuzzRuns } from '../support/fuzz.js';

let sandbox: Sandbox;
let api: Api;
let hookPath: string;

beforeAll(async () => {
  ({ sandbox, api } = await startTestSandbox());
  const hook = await createWebhook(api);
  hookPath = `/webhooks/${hook.id}/${hook.token}`;
});
afterAll(async () => {
  await sandbox.close();
});

const segment = fc.oneof(
  fc.constantFrom('channels', 'guilds', 'webhooks', 'users', '@me', 'messages', 'members', 'gateway', 'bot', GENERAL, '100000000000000001', '%', '%zz', '..', ''),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const path = fc.oneof(
  fc.array(segment, { maxLength: 5 }).map((parts) => `/api/v10/${parts.join('/')}`),
  fc.constant('HOOK'),
  fc.array(segment, { maxLength: 3 }).map((parts) => `/__sandbox/${parts.join('/')}`),
);
const body = fc.oneof(
  fc.json().map((text) => text),
  fc.string({ maxLength: 64 }),
  fc.record({ name: fc.anything(), avatar: fc.anything(), channel_id: fc.anything(), content: fc.anything(), embeds: fc.anything() }).map((v) => {
    try {
      return JSON.stringify(v);
    } catch {
      return '{}';
    }
  }),
);

describe('bad input never crashes the sandbox', () => {
  it('any method, path and body gets a Discord-shaped answer below 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'), path, body, async (method, rawPath, text) => {
        const target = rawPath === 'HOOK' ? `/api${hookPath}` : rawPath;
        if (target.startsWith('/__sandbox/reset')) return; // would wipe the fixture webhook
        const response = await fetch(`${sandbox.url}${target}`, {
          method,
          headers: { Authorization: 'Bot sandbox-bot-token', 'Content-Type': 'application/json' },
          ...(method === 'GET' ? {} : { body: text }),
        });
        expect(response.status).toBeLessThan(500);
        const answer = await response.text();
        if (response.status >= 400) expect(typeof JSON.parse(answer).code).toBe('number');
      }),
      { numRuns: fuzzRuns(300) },
    );
    expect((await api.get('/users/@me')).status).toBe(200);
  });

  it('a malformed HTTP request gets 400 and the server keeps serving', async () => {
    const reply = await rawRequest('POST /api/v10/users/@me HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect((await api.get('/users/@me')).status).toBe(200);
  });

  // fetch() normalizes `/__sandbox/..//` to `//`, which `new URL(target, base)` reads as an empty host.
  it.each(['//', '//x/api/v10/users/@me', '*', '/__sandbox//'])(
    'request target %j gets a Discord-shaped 404, over HTTP and as a gateway upgrade',
    async (target) => {
      const plain = await rawRequest(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(plain).toMatch(/^HTTP\/1\.1 404 /);
      expect(JSON.parse(plain.slice(plain.indexOf('\r\n\r\n') + 4))).toEqual({ message: '404: Not Found', code: 0 });
      const upgrade = await rawRequest(
        `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
      expect(upgrade).toMatch(/^HTTP\/1\.1 404 /);
      expect((await api.get('/users/@me')).status).toBe(200);
    },
  );
});

function rawRequest(text: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(sandbox.port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}
