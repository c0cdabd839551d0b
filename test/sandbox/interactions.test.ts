import { createPublicKey, verify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.js';
import { Api, BOT, GENERAL, GUILD_ID, USER_ID, sleep, useTestSandbox } from './helpers.js';

/**
 * The sandbox as Discord's interactions service: signed delivery to a URL, the callback
 * rules (3 s window, acknowledged once), @original and follow-ups in the channel.
 */
type Answer = (body: any, res: ServerResponse) => void | Promise<void>;

const { api } = useTestSandbox();
let server: Server;
let url: string;
let answer: Answer;
const received: { headers: IncomingHttpHeaders; raw: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw });
      void Promise.resolve(answer(JSON.parse(raw), res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/interactions`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(async () => {
  received.length = 0;
  answer = (_body, res) => json(res, 200, { type: 5 });
  await api.request('PUT', `/applications/${BOT.id}/guilds/${GUILD_ID}/commands`, {
    body: [{ name: 'ping', description: 'Ping', options: [{ type: 3, name: 'text', description: 'Text' }] }],
  });
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const send = (extra: Record<string, unknown> = {}) =>
  api.admin('POST', '/interactions', { url, guild_id: GUILD_ID, channel_id: GENERAL, user_id: USER_ID, command: 'ping', ...extra });

async function publicKey(): Promise<string> {
  return (await api.admin('GET', `/applications/${BOT.id}`)).body.public_key;
}

function verifies(key: string, headers: IncomingHttpHeaders, raw: string): boolean {
  const signature = headers['x-signature-ed25519'];
  const timestamp = headers['x-signature-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string') return false;
  const publicKeyObject = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key, 'hex').toString('base64url') }, format: 'jwk' });
  return verify(null, Buffer.from(timestamp + raw), publicKeyObject, Buffer.from(signature, 'hex'));
}

const messages = async () => (await api.admin('GET', `/channels/${GENERAL}/messages`)).body as any[];

describe('POST /__sandbox/interactions', () => {
  it('delivers a signed APPLICATION_COMMAND as Discord does', async () => {
    const res = await send({ options: { text: 'hi' } });
    expect(res.status).toBe(200);
    expect(res.body.response).toMatchObject({ status: 200, body: { type: 5 } });
    const [{ headers, raw }] = received as [(typeof received)[number]];
    expect(headers['user-agent']).toBe('Discord-Interactions/1.0 (+https://discord.com)');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-signature-timestamp']).toMatch(/^\d+$/);
    expect(Math.abs(Number(headers['x-signature-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    const key = await publicKey();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(verifies(key, headers, raw)).toBe(true);
    const interaction = JSON.parse(raw);
    expect(interaction).toMatchObject({
      type: 2,
      application_id: BOT.id,
      guild_id: GUILD_ID,
      channel_id: GENERAL,
      version: 1,
      locale: 'en-US',
      data: { name: 'ping', type: 1, options: [{ name: 'text', type: 3, value: 'hi' }] },
      member: { user: { id: USER_ID }, roles: [] },
    });
    expect(interaction.member.permissions).toMatch(/^\d+$/);
    expect(interaction.app_permissions).toMatch(/^\d+$/);
    expect(typeof interaction.token).toBe('string');
    expect(interaction.id).toMatch(/^\d+$/);
  });

  it('the public key is stable for an application (derived, not random)', async () => {
    const other = await startSandbox({ rateLimits: 'off' });
    try {
      const key = ((await (await fetch(`${other.url}/__sandbox/applications/${BOT.id}`)).json()) as { public_key: string }).public_key;
      expect(key).toBe(await publicKey());
    } finally {
      await other.close();
    }
  });

  it('signature knobs: wrong_key does not verify, none omits the header, stale is 10 minutes old', async () => {
    const key = await publicKey();
    await send({ signature: 'wrong_key' });
    expect(verifies(key, received[0]!.headers, received[0]!.raw)).toBe(false);
    await send({ signature: 'none' });
    expect(received[1]!.headers['x-signature-ed25519']).toBeUndefined();
    await send({ stale: true });
    expect(verifies(key, received[2]!.headers, received[2]!.raw)).toBe(true);
    expect(Date.now() / 1000 - Number(received[2]!.headers['x-signature-timestamp'])).toBeGreaterThan(590);
  });

  it('PING carries no command data', async () => {
    answer = (_body, res) => json(res, 200, { type: 1 });
    const res = await send({ type: 1 });
    expect(res.body.response.body).toEqual({ type: 1 });
    expect(JSON.parse(received[0]!.raw)).toEqual({ id: expect.any(String), application_id: BOT.id, type: 1, token: expect.any(String), version: 1 });
  });

  it('refuses a command the application has not registered (10063) and unknown options (50035)', async () => {
    expect((await send({ command: 'nope' })).body.code).toBe(10063);
    expect((await send({ options: { nope: 1 } })).body.code).toBe(50035);
    expect((await send({ user_id: '999999999999999999' })).body.code).toBe(10013);
    expect(received).toHaveLength(0);
  });

  it('reports a target that does not answer within 3 s', async () => {
    answer = async (_body, res) => {
      await sleep(3_300);
      json(res, 200, { type: 5 });
    };
    const res = await send();
    expect(res.body.response.error).toMatch(/no answer within 3000 ms/);
  }, 10_000);
});

describe('responding: callback, @original, follow-ups', () => {
  it('an inline type 4 answer is a message in the channel, authored by the application', async () => {
    answer = (_body, res) => json(res, 200, { type: 4, data: { content: 'pong' } });
    const res = await send();
    expect(res.body.callback_error).toBeUndefined();
    const message = (await messages()).find((m) => m.content === 'pong');
    expect(message).toMatchObject({ author: { id: BOT.id, bot: true }, webhook_id: BOT.id, type: 20 });
    expect(message.interaction_metadata).toMatchObject({ id: res.body.interaction.id, name: 'ping', user: { id: USER_ID } });
  });

  it('deferred → PATCH @original replaces the loading message; POST is a follow-up; GET @original', async () => {
    const { interaction } = (await send()).body;
    const loading = (await messages()).at(-1);
    expect(loading).toMatchObject({ content: '', flags: 128 });
    const base = `/webhooks/${BOT.id}/${interaction.token}`;
    const edited = await api.as(null).patch(`${base}/messages/@original`, { content: 'done' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: loading.id, content: 'done', flags: 0 });
    const followup = await api.as(null).post(base, { content: 'more' });
    expect(followup.status).toBe(200);
    expect(followup.body.id).not.toBe(loading.id);
    expect((await api.as(null).get(`${base}/messages/@original`)).body.content).toBe('done');
    expect((await api.as(null).get(`${base}/messages/${followup.body.id}`)).body.content).toBe('more');
    const contents = (await messages()).map((m) => m.content);
    expect(contents.slice(-2)).toEqual(['done', 'more']);
  });

  it('a follow-up right after a deferral edits the loading message (Discord backwards compatibility)', async () => {
    const { interaction } = (await send()).body;
    const res = await api.as(null).post(`/webhooks/${BOT.id}/${interaction.token}`, { content: 'first' });
    expect(res.body.flags).toBe(0);
    expect((await messages()).filter((m) => m.webhook_id === BOT.id)).toHaveLength(1);
  });

  it('the callback: 204, then 40060 when acknowledged twice', async () => {
    answer = (_body, res) => {
      res.writeHead(202);
      res.end();
    };
    const { interaction } = (await send()).body;
    const callback = `/interactions/${interaction.id}/${interaction.token}/callback`;
    const first = await api.as(null).post(callback, { type: 4, data: { content: 'via callback' } });
    expect(first.status).toBe(204);
    const again = await api.as(null).post(callback, { type: 5 });
    expect(again).toMatchObject({ status: 400, body: { code: 40060, message: 'Interaction has already been acknowledged.' } });
  });

  it('the callback answers 10062 for an unknown interaction, a wrong token, and after 3 s', async () => {
    answer = (_body, res) => {
      res.writeHead(202);
      res.end();
    };
    const unknown = await api.as(null).post('/interactions/123456789012345678/abc/callback', { type: 5 });
    expect(unknown).toMatchObject({ status: 404, body: { code: 10062, message: 'Unknown interaction' } });
    const { interaction } = (await send()).body;
    const wrongToken = await api.as(null).post(`/interactions/${interaction.id}/nope/callback`, { type: 5 });
    expect(wrongToken.body.code).toBe(10062);
    await sleep(3_100);
    const late = await api.as(null).post(`/interactions/${interaction.id}/${interaction.token}/callback`, { type: 5 });
    expect(late).toMatchObject({ status: 404, body: { code: 10062 } });
  }, 10_000);

  it('callback validation: PONG is not for bots, empty messages are refused, with_response returns the message', async () => {
    answer = (_body, res) => {
      res.writeHead(202);
      res.end();
    };
    const { interaction } = (await send()).body;
    const callback = `/interactions/${interaction.id}/${interaction.token}/callback`;
    expect((await api.as(null).post(callback, { type: 1 })).body).toMatchObject({ code: 50035, errors: { type: {} } });
    expect((await api.as(null).post(callback, { type: 4, data: {} })).body.code).toBe(50006);
    const res = await api.as(null).post(`${callback}?with_response=true`, { type: 4, data: { content: 'hi', flags: 64 } });
    expect(res.status).toBe(200);
    expect(res.body.interaction).toMatchObject({ id: interaction.id, response_message_ephemeral: true });
    expect(res.body.resource.message.content).toBe('hi');
    // Ephemeral: not in the channel's history.
    expect((await messages()).some((m) => m.content === 'hi')).toBe(false);
  });

  it('@original before any response is 10008; a follow-up before it is 10015; a wrong application is 401', async () => {
    answer = (_body, res) => {
      res.writeHead(202);
      res.end();
    };
    const { interaction } = (await send()).body;
    const edit = await api.as(null).patch(`/webhooks/${BOT.id}/${interaction.token}/messages/@original`, { content: 'x' });
    expect(edit.body.code).toBe(10008);
    const followup = await api.as(null).post(`/webhooks/${BOT.id}/${interaction.token}`, { content: 'x' });
    expect(followup.body.code).toBe(10015);
    const wrongApp = await api.as(null).post(`/webhooks/100000000000000030/${interaction.token}`, { content: 'x' });
    expect(wrongApp).toMatchObject({ status: 401, body: { code: 50027 } });
  });

  it('ordinary webhooks still execute through the same path', async () => {
    const webhook = (await api.post(`/channels/${GENERAL}/webhooks`, { name: 'Hook' })).body;
    const res = await api.as(null).post(`/webhooks/${webhook.id}/${webhook.token}?wait=true`, { content: 'from hook' });
    expect(res.status).toBe(200);
    expect(res.body.webhook_id).toBe(webhook.id);
  });

  it('interaction routes are not under the global limit and carry rate-limit headers', async () => {
    const limited = await startSandbox();
    try {
      const limitedApi = new Api(limited);
      await limitedApi.request('PUT', `/applications/${BOT.id}/guilds/${GUILD_ID}/commands`, { body: [{ name: 'ping', description: 'Ping' }] });
      answer = (_body, res) => {
        res.writeHead(202);
        res.end();
      };
      const { interaction } = (await limitedApi.admin('POST', '/interactions', { url, guild_id: GUILD_ID, channel_id: GENERAL, user_id: USER_ID, command: 'ping' })).body;
      const res = await limitedApi.as(null).request('POST', `/interactions/${interaction.id}/${interaction.token}/callback`, { body: { type: 5 } });
      expect(res.status).toBe(204);
      expect(res.headers.get('x-ratelimit-limit')).toBe('5');
      const log = limited.requests().at(-1);
      expect(log).toMatchObject({ route: 'POST /interactions/:interaction_id/:interaction_token/callback', bot_id: null });
    } finally {
      await limited.close();
    }
  });
});

describe('POST /__sandbox/interactions offers a command only to whom Discord would', () => {
  const OWNER = '200000000000000001';
  const MODERATOR = '200000000000000002';
  const MEMBER = '200000000000000003';
  const ADMIN = '200000000000000004';
  const ADULT = '200000000000000010';

  it('default_member_permissions ("0" = administrators only) and nsfw decide, before anything is sent', async () => {
    const seeded = await startSandbox({
      rateLimits: 'off',
      seed: {
        bots: [{ id: BOT.id, username: 'bot', token: BOT.token }],
        users: [OWNER, MODERATOR, MEMBER, ADMIN].map((id) => ({ id, username: `u${id.slice(-1)}` })),
        guilds: [
          {
            id: GUILD_ID,
            name: 'G',
            owner_id: OWNER,
            roles: [
              { id: '300000000000000001', name: 'mods', permissions: String(1n << 13n) }, // MANAGE_MESSAGES
              { id: '300000000000000002', name: 'admins', permissions: String(1n << 3n) }, // ADMINISTRATOR
            ],
            members: [
              OWNER,
              BOT.id,
              MEMBER,
              { user_id: MODERATOR, roles: ['300000000000000001'] },
              { user_id: ADMIN, roles: ['300000000000000002'] },
            ],
            channels: [
              { id: GENERAL, name: 'general' },
              { id: ADULT, name: 'adult', nsfw: true },
            ],
          },
        ],
      },
    });
    try {
      const seededApi = new Api(seeded);
      const put = await seededApi.request('PUT', `/applications/${BOT.id}/guilds/${GUILD_ID}/commands`, {
        body: [
          { name: 'purge', description: 'Purge', default_member_permissions: String(1n << 13n) },
          { name: 'lockdown', description: 'Admins only', default_member_permissions: '0' },
          { name: 'spicy', description: 'Age-restricted', nsfw: true },
        ],
      });
      expect(put.status).toBe(200);
      answer = (_body, res) => json(res, 200, { type: 5 });
      const invoke = async (command: string, user: string, channel = GENERAL) =>
        (await seededApi.admin('POST', '/interactions', { url, guild_id: GUILD_ID, channel_id: channel, user_id: user, command })).status;

      received.length = 0;
      expect(await invoke('purge', MEMBER)).toBe(403);
      expect(await invoke('lockdown', MODERATOR)).toBe(403);
      expect(await invoke('spicy', OWNER, GENERAL)).toBe(403);
      expect(received).toHaveLength(0);
      expect((await seededApi.admin('POST', '/interactions', { url, guild_id: GUILD_ID, channel_id: GENERAL, user_id: MEMBER, command: 'purge' })).body).toMatchObject({
        code: 50013,
        message: expect.stringContaining('default_member_permissions'),
      });

      expect(await invoke('purge', MODERATOR)).toBe(200);
      expect(await invoke('purge', ADMIN)).toBe(200);
      expect(await invoke('lockdown', ADMIN)).toBe(200);
      expect(await invoke('lockdown', OWNER)).toBe(200);
      expect(await invoke('spicy', MEMBER, ADULT)).toBe(200);
      expect(received).toHaveLength(5);
    } finally {
      await seeded.close();
    }
  });
});
