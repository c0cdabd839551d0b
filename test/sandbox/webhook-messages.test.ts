import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RawGatewayClient } from '../gateway/helpers.js';
import { BOT, OTHER_BOT, createWebhook, DEPLOYS, GENERAL, GUILD_ID, sleep, useTestSandbox, USER_ID } from './helpers.js';

/**
 * Get / Edit / Delete Webhook Message (https://discord.com/developers/docs/resources/webhook#get-webhook-message)
 * for ordinary webhooks, the same paths for interaction tokens, and the gateway events they cause.
 */
const { sandbox, api } = useTestSandbox();
let hook: { id: string; token: string };

beforeEach(async () => {
  hook = await createWebhook(api);
});

const token = () => api.as(null);
const path = (messageId: string, webhook = hook) => `/webhooks/${webhook.id}/${webhook.token}/messages/${messageId}`;
const channelMessages = async (channelId = GENERAL) => (await api.admin('GET', `/channels/${channelId}/messages`)).body as any[];

async function execute(body: Record<string, unknown>, webhook = hook): Promise<any> {
  const res = await token().post(`/webhooks/${webhook.id}/${webhook.token}?wait=true`, body);
  expect(res.status).toBe(200);
  return res.body;
}

/** Executes with files as multipart/form-data, as clients upload them. */
async function executeWithFiles(content: string, names: string[]): Promise<any> {
  const form = new FormData();
  form.append('payload_json', JSON.stringify({ content }));
  names.forEach((name, i) => form.append(`files[${i}]`, new Blob(['data'], { type: 'text/plain' }), name));
  const res = await fetch(`${sandbox.apiBase}/webhooks/${hook.id}/${hook.token}?wait=true`, { method: 'POST', body: form });
  expect(res.status).toBe(200);
  return res.json();
}

describe('GET /webhooks/{id}/{token}/messages/{message.id}', () => {
  it('returns the message the webhook sent', async () => {
    const sent = await execute({ content: 'hello', embeds: [{ title: 'Build' }] });
    const res = await token().get(path(sent.id));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(sent);
    expect(res.body).toMatchObject({ webhook_id: hook.id, channel_id: GENERAL, guild_id: GUILD_ID, edited_timestamp: null });
  });

  it('ignores unknown query params; thread_id must name a thread of the webhook\'s channel (10003)', async () => {
    const sent = await execute({ content: 'hello' });
    expect((await token().get(`${path(sent.id)}?x=y`)).body.id).toBe(sent.id);
    expect(await token().get(`${path(sent.id)}?thread_id=1`)).toMatchObject({ status: 404, body: { code: 10003 } });
  });

  it('10008 for another webhook\'s message, a user\'s message and an id that does not exist', async () => {
    const other = await createWebhook(api, GENERAL, 'Other');
    const theirs = await execute({ content: 'not yours' }, other);
    const user = await api.post(`/channels/${GENERAL}/messages`, { content: 'by the bot' });
    for (const id of [theirs.id, user.body.id, '123456789012345678', 'nope']) {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const res = await token().request(method, path(id), method === 'PATCH' ? { body: { content: 'x' } } : {});
        expect(res, `${method} ${id}`).toMatchObject({ status: 404, body: { message: 'Unknown Message', code: 10008 } });
      }
    }
    expect((await channelMessages()).map((m) => m.content)).toEqual(['not yours', 'by the bot']);
  });

  it('50027 for a wrong token, 10015 for an unknown webhook, on every method', async () => {
    const sent = await execute({ content: 'hello' });
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const body = method === 'PATCH' ? { body: { content: 'x' } } : {};
      const wrong = await token().request(method, path(sent.id, { id: hook.id, token: 'x'.repeat(hook.token.length) }), body);
      expect(wrong, method).toMatchObject({ status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } });
      const unknown = await token().request(method, path(sent.id, { id: '123456789012345678', token: hook.token }), body);
      expect(unknown, method).toMatchObject({ status: 404, body: { message: 'Unknown Webhook', code: 10015 } });
    }
    expect((await channelMessages())[0]).toMatchObject({ id: sent.id, content: 'hello' });
  });

  it('goes through the webhook-token bucket and the request log, token masked', async () => {
    const sent = await execute({ content: 'hello' });
    await token().get(path(sent.id));
    const entry = sandbox.requests().at(-1)!;
    expect(entry).toMatchObject({
      method: 'GET',
      path: `/api/v10/webhooks/${hook.id}/:token/messages/${sent.id}`,
      route: 'GET /webhooks/:webhook_id/:webhook_token/messages/:message_id',
      status: 200,
      bot_id: null,
    });
  });
});

describe('PATCH /webhooks/{id}/{token}/messages/{message.id}', () => {
  it('edits only the given fields, sets edited_timestamp, and the stored message changes', async () => {
    const sent = await execute({ content: 'deploying', embeds: [{ title: 'Build', description: 'running' }] });
    const res = await token().patch(path(sent.id), { content: 'deployed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: sent.id, content: 'deployed', embeds: [{ title: 'Build', type: 'rich' }], timestamp: sent.timestamp });
    expect(res.body.edited_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(Date.parse(res.body.edited_timestamp)).toBeGreaterThanOrEqual(Date.parse(sent.timestamp));
    expect((await token().get(path(sent.id))).body).toEqual(res.body);
    expect(await channelMessages()).toEqual([res.body]);

    const embeds = await token().patch(path(sent.id), { embeds: [{ title: 'Done' }] });
    expect(embeds.body).toMatchObject({ content: 'deployed', embeds: [{ title: 'Done', type: 'rich' }] });
    const cleared = await token().patch(path(sent.id), { embeds: null });
    expect(cleared.body).toMatchObject({ content: 'deployed', embeds: [] });
    expect((await token().patch(path(sent.id), { embeds: [{ title: 'Again' }] })).body.embeds).toHaveLength(1);
    expect((await token().patch(path(sent.id), { content: null })).body).toMatchObject({ content: '', embeds: [{ title: 'Again' }] });
    expect((await channelMessages())[0]).toMatchObject({ content: '', embeds: [{ title: 'Again' }] });
  });

  it('ignores fields the endpoint does not take (username, tts, nonce), as clients send them', async () => {
    const sent = await execute({ content: 'x' });
    const res = await token().patch(path(sent.id), { content: 'y', username: 'clyde', tts: true, nonce: '1', enforce_nonce: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ content: 'y', tts: false, author: { username: 'Deploys' } });
  });

  it('rebuilds mentions from edited content under allowed_mentions (default allowances without one)', async () => {
    const sent = await execute({ content: 'plain' });
    expect(sent).toMatchObject({ mentions: [], mention_everyone: false });
    const pinged = await token().patch(path(sent.id), { content: `<@${USER_ID}> @everyone` });
    expect(pinged.body).toMatchObject({ mentions: [{ id: USER_ID }], mention_everyone: true });
    const embedOnly = await token().patch(path(sent.id), { embeds: [{ title: 't' }], allowed_mentions: { parse: [] } });
    expect(embedOnly.body).toMatchObject({ mentions: [{ id: USER_ID }], mention_everyone: true });
    const suppressed = await token().patch(path(sent.id), { content: `<@${USER_ID}> @everyone`, allowed_mentions: { parse: [] } });
    expect(suppressed.body).toMatchObject({ mentions: [], mention_everyone: false });
    const listed = await token().patch(path(sent.id), { content: `<@${USER_ID}> @here`, allowed_mentions: { users: [USER_ID] } });
    expect(listed.body).toMatchObject({ mentions: [{ id: USER_ID }], mention_everyone: false });
    const everyone = await token().patch(path(sent.id), { content: `<@${USER_ID}> @here`, allowed_mentions: { parse: ['everyone'] } });
    expect(everyone.body).toMatchObject({ mentions: [], mention_everyone: true });
  });

  it('flags set and unset SUPPRESS_EMBEDS only; null leaves them', async () => {
    const sent = await execute({ content: 'x' });
    expect((await token().patch(path(sent.id), { flags: 4 | 64 | 4096 })).body.flags).toBe(4);
    expect((await token().patch(path(sent.id), { flags: null })).body.flags).toBe(4);
    expect((await token().patch(path(sent.id), { flags: 0 })).body.flags).toBe(0);
  });

  it('attachments: the given list is what stays; new files are appended', async () => {
    const sent = await executeWithFiles('files', ['a.txt', 'b.txt']);
    expect(sent.attachments.map((a: any) => a.filename)).toEqual(['a.txt', 'b.txt']);
    const kept = await token().patch(path(sent.id), { attachments: [{ id: sent.attachments[1].id }] });
    expect(kept.body.attachments).toEqual([sent.attachments[1]]);

    const form = new FormData();
    form.append('payload_json', JSON.stringify({ attachments: [{ id: sent.attachments[1].id }, { id: 0 }] }));
    form.append('files[0]', new Blob(['more'], { type: 'text/plain' }), 'c.txt');
    const appended = await fetch(`${sandbox.apiBase}${path(sent.id)}`, { method: 'PATCH', body: form });
    expect(appended.status).toBe(200);
    expect(((await appended.json()) as any).attachments.map((a: any) => a.filename)).toEqual(['b.txt', 'c.txt']);

    const none = await token().patch(path(sent.id), { attachments: [] });
    expect(none.body).toMatchObject({ content: 'files', attachments: [] });
  });

  it('50035 with Discord\'s nested errors on a bad body; the message is unchanged', async () => {
    const sent = await execute({ content: 'keep me' });
    const long = await token().patch(path(sent.id), { content: 'x'.repeat(2001) });
    expect(long).toMatchObject({
      status: 400,
      body: {
        code: 50035,
        message: 'Invalid Form Body',
        errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
      },
    });
    const nested = await token().patch(path(sent.id), {
      content: 5,
      embeds: [{ title: 'ok' }, 'nope'],
      flags: 'x',
      allowed_mentions: { parse: ['users', 'nobody'], users: ['abc'] },
      attachments: [{}],
    });
    expect(nested.status).toBe(400);
    expect(nested.body.errors).toEqual({
      content: { _errors: [expect.objectContaining({ code: 'BASE_TYPE_STRING' })] },
      embeds: { '1': { _errors: [expect.objectContaining({ code: 'DICT_TYPE_CONVERT' })] } },
      flags: { _errors: [expect.objectContaining({ code: 'NUMBER_TYPE_COERCE' })] },
      allowed_mentions: {
        // parse "users" next to a users list: Discord's exclusivity rule.
        _errors: [expect.objectContaining({ code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE' })],
        parse: { '1': { _errors: [expect.objectContaining({ code: 'BASE_TYPE_CHOICES' })] } },
        users: { '0': { _errors: [expect.objectContaining({ code: 'NUMBER_TYPE_COERCE' })] } },
      },
      attachments: { '0': { id: { _errors: [expect.objectContaining({ code: 'BASE_TYPE_REQUIRED' })] } } },
    });
    expect((await token().request('PATCH', path(sent.id), { raw: '[1]' })).body.code).toBe(50035);
    expect((await token().request('PATCH', path(sent.id), { raw: '{' })).body.code).toBe(50109);
    expect((await channelMessages())[0]).toMatchObject({ content: 'keep me', edited_timestamp: null });
  });

  it('50006 when the edit would leave neither content nor embeds', async () => {
    const sent = await execute({ content: 'only content' });
    for (const body of [{ content: null }, { content: '' }, { content: null, embeds: [] }]) {
      const res = await token().patch(path(sent.id), body);
      expect(res, JSON.stringify(body)).toMatchObject({ status: 400, body: { message: 'Cannot send an empty message', code: 50006 } });
    }
    const embedOnly = await execute({ embeds: [{ title: 'e' }] });
    expect((await token().patch(path(embedOnly.id), { embeds: [] })).body.code).toBe(50006);
    expect((await token().patch(path(embedOnly.id), { embeds: [], content: 'now text' })).status).toBe(200);
    expect((await channelMessages()).map((m) => [m.content, m.edited_timestamp === null])).toEqual([
      ['only content', true],
      ['now text', false],
    ]);
  });
});

describe('DELETE /webhooks/{id}/{token}/messages/{message.id}', () => {
  it('204, the message leaves the store; again is 10008', async () => {
    const first = await execute({ content: 'first' });
    const second = await execute({ content: 'second' });
    const res = await token().delete(path(first.id));
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await channelMessages()).map((m) => m.id)).toEqual([second.id]);
    expect((await api.get(`/channels/${GENERAL}/messages`)).body.map((m: any) => m.id)).toEqual([second.id]);
    expect((await token().get(path(first.id))).body.code).toBe(10008);
    expect(await token().delete(path(first.id))).toMatchObject({ status: 404, body: { code: 10008 } });
  });

  it('a moved webhook reaches its messages in its current channel only', async () => {
    const before = await execute({ content: 'in general' });
    expect((await api.patch(`/webhooks/${hook.id}`, { channel_id: DEPLOYS })).status).toBe(200);
    const after = await execute({ content: 'in deploys' });
    expect(after.channel_id).toBe(DEPLOYS);
    expect((await token().get(path(after.id))).status).toBe(200);
    expect((await token().delete(path(before.id))).body.code).toBe(10008);
    expect(await channelMessages()).toHaveLength(1);
  });
});

describe('the same paths with an interaction token', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // The target defers every interaction (type 5): @original is a loading message.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 5 }));
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
    await api.request('PUT', `/applications/${BOT.id}/guilds/${GUILD_ID}/commands`, { body: [{ name: 'ping', description: 'Ping' }] });
  });

  async function interact(): Promise<string> {
    const res = await api.admin('POST', '/interactions', { url, guild_id: GUILD_ID, channel_id: GENERAL, user_id: USER_ID, command: 'ping' });
    expect(res.status).toBe(200);
    return `/webhooks/${BOT.id}/${res.body.interaction.token}`;
  }

  it('DELETE @original: 204, gone from the channel, GET is 10008; follow-ups still work', async () => {
    const base = await interact();
    const original = (await token().get(`${base}/messages/@original`)).body;
    expect(original).toMatchObject({ webhook_id: BOT.id, flags: 128 });
    expect((await token().delete(`${base}/messages/@original`)).status).toBe(204);
    expect(await channelMessages()).toEqual([]);
    expect(await token().get(`${base}/messages/@original`)).toMatchObject({ status: 404, body: { code: 10008 } });
    expect((await token().delete(`${base}/messages/@original`)).body.code).toBe(10008);
    const followup = await token().post(base, { content: 'after' });
    expect(followup).toMatchObject({ status: 200, body: { content: 'after' } });
    expect((await channelMessages()).map((m) => m.content)).toEqual(['after']);
  });

  it('DELETE of a follow-up: 204, gone from the channel and the interaction; @original stays', async () => {
    const base = await interact();
    await token().patch(`${base}/messages/@original`, { content: 'done' });
    const one = (await token().post(base, { content: 'one' })).body;
    const two = (await token().post(base, { content: 'two' })).body;
    expect((await token().delete(`${base}/messages/${one.id}`)).status).toBe(204);
    expect((await channelMessages()).map((m) => m.content)).toEqual(['done', 'two']);
    expect((await token().get(`${base}/messages/${one.id}`)).body.code).toBe(10008);
    expect((await token().get(`${base}/messages/${two.id}`)).body.content).toBe('two');
    expect((await token().delete(`${base}/messages/${one.id}`)).body.code).toBe(10008);
    // An ordinary webhook's message is not one of the interaction's.
    const hooked = await execute({ content: 'hook' });
    expect((await token().delete(`${base}/messages/${hooked.id}`)).body.code).toBe(10008);
  });

  it('DELETE @original before any response is 10008', async () => {
    const hold = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(202);
        res.end();
      });
    });
    await new Promise<void>((resolve) => hold.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://127.0.0.1:${(hold.address() as AddressInfo).port}/`;
      const res = await api.admin('POST', '/interactions', { url: target, guild_id: GUILD_ID, channel_id: GENERAL, user_id: USER_ID, command: 'ping' });
      const base = `/webhooks/${BOT.id}/${res.body.interaction.token}`;
      expect(await token().delete(`${base}/messages/@original`)).toMatchObject({ status: 404, body: { code: 10008 } });
    } finally {
      hold.closeAllConnections();
      await new Promise<void>((resolve) => hold.close(() => resolve()));
    }
  });
});

describe('gateway', () => {
  const GUILDS = 1 << 0;
  const GUILD_MESSAGES = 1 << 9;
  const MESSAGE_CONTENT = 1 << 15;

  it('MESSAGE_UPDATE (the whole message) and MESSAGE_DELETE ({id, channel_id, guild_id}) go to GUILD_MESSAGES sessions', async () => {
    const listener = await RawGatewayClient.connect(sandbox.gatewayUrl);
    const deaf = await RawGatewayClient.connect(sandbox.gatewayUrl);
    try {
      await listener.identify(BOT.token, GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT);
      // Another bot in the guild: a second IDENTIFY of BOT this soon would get op 9 (max_concurrency).
      await deaf.identify(OTHER_BOT.token, GUILDS);
      const sent = await execute({ content: 'v1' });
      const created = await listener.next((f) => f.t === 'MESSAGE_CREATE');
      expect(created.d).toMatchObject({ id: sent.id, content: 'v1' });

      const edited = (await token().patch(path(sent.id), { content: 'v2' })).body;
      const update = await listener.next((f) => f.t === 'MESSAGE_UPDATE');
      expect(update.d).toEqual(edited);
      expect(update.d).toMatchObject({ guild_id: GUILD_ID, content: 'v2', edited_timestamp: expect.any(String) });
      expect(update.s).toBe(created.s! + 1);

      await token().delete(path(sent.id));
      const deleted = await listener.next((f) => f.t === 'MESSAGE_DELETE');
      expect(deleted.d).toEqual({ id: sent.id, channel_id: GENERAL, guild_id: GUILD_ID });
      expect(deleted.s).toBe(update.s! + 1);

      await sleep(50);
      expect(deaf.pending().filter((f) => f.op === 0 && f.t !== 'GUILD_CREATE')).toEqual([]);
    } finally {
      listener.ws.terminate();
      deaf.ws.terminate();
    }
  });

  it('without MESSAGE_CONTENT, MESSAGE_UPDATE arrives with content emptied, as MESSAGE_CREATE does', async () => {
    const client = await RawGatewayClient.connect(sandbox.gatewayUrl);
    try {
      await client.identify(BOT.token, GUILDS | GUILD_MESSAGES);
      const sent = await execute({ content: 'secret' });
      await token().patch(path(sent.id), { content: 'still secret' });
      const update = await client.next((f) => f.t === 'MESSAGE_UPDATE');
      expect(update.d).toMatchObject({ id: sent.id, content: '', embeds: [], edited_timestamp: expect.any(String) });
    } finally {
      client.ws.terminate();
    }
  });

  it('deleting an interaction\'s @original dispatches MESSAGE_DELETE', async () => {
    const client = await RawGatewayClient.connect(sandbox.gatewayUrl);
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 4, data: { content: 'pong' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await client.identify(BOT.token, GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT);
      await api.request('PUT', `/applications/${BOT.id}/guilds/${GUILD_ID}/commands`, { body: [{ name: 'ping', description: 'Ping' }] });
      const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const res = await api.admin('POST', '/interactions', { url: target, guild_id: GUILD_ID, channel_id: GENERAL, user_id: USER_ID, command: 'ping' });
      const base = `/webhooks/${BOT.id}/${res.body.interaction.token}`;
      const original = (await token().get(`${base}/messages/@original`)).body;
      expect((await token().delete(`${base}/messages/@original`)).status).toBe(204);
      const deleted = await client.next((f) => f.t === 'MESSAGE_DELETE');
      expect(deleted.d).toEqual({ id: original.id, channel_id: GENERAL, guild_id: GUILD_ID });
    } finally {
      client.ws.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
