import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BOT, createWebhook, DEPLOYS, GENERAL, GUILD_ID, OTHER_BOT, PNG_BYTES, PNG_DATA_URI, useTestSandbox, USER_ID } from './helpers.js';

const { sandbox, api } = useTestSandbox();

describe('identity, guilds and gateway info', () => {
  it('GET /users/@me is the bot', async () => {
    const response = await api.get('/users/@me');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: BOT.id, bot: true, username: 'cordform-sandbox' });
  });

  it('serves the unversioned /api alias too', async () => {
    const response = await api.request('GET', '/api/users/@me', { base: sandbox.url });
    expect(response.body.id).toBe(BOT.id);
  });

  it('GET /gateway/bot points at the sandbox gateway', async () => {
    const response = await api.get('/gateway/bot');
    expect(response.body).toEqual({
      url: `ws://127.0.0.1:${sandbox.port}/gateway`,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 },
    });
  });

  it('GET guild, channels and member', async () => {
    const guild = await api.get(`/guilds/${GUILD_ID}`);
    expect(guild.body).toMatchObject({ id: GUILD_ID, name: 'Sandbox', owner_id: USER_ID });
    expect(guild.body.roles[0]).toMatchObject({ id: GUILD_ID, name: '@everyone' });
    const channels = await api.get(`/guilds/${GUILD_ID}/channels`);
    expect(channels.body.map((c: any) => [c.id, c.name, c.type])).toEqual([
      [GENERAL, 'general', 0],
      [DEPLOYS, 'deploys', 0],
    ]);
    const member = await api.get(`/guilds/${GUILD_ID}/members/${USER_ID}`);
    expect(member.body).toMatchObject({ user: { id: USER_ID }, roles: [], deaf: false, mute: false, nick: null });
  });
});

describe('webhook CRUD', () => {
  it('creates a webhook with Discord\'s fields and an MD5 avatar hash', async () => {
    const response = await api.post(`/channels/${GENERAL}/webhooks`, { name: 'Deploys', avatar: PNG_DATA_URI });
    expect(response.status).toBe(200);
    const hook = response.body;
    expect(hook).toMatchObject({
      type: 1,
      guild_id: GUILD_ID,
      channel_id: GENERAL,
      name: 'Deploys',
      avatar: createHash('md5').update(PNG_BYTES).digest('hex'),
      application_id: BOT.id,
      user: { id: BOT.id, bot: true },
    });
    expect(hook.id).toMatch(/^\d{17,20}$/);
    expect(hook.token).toMatch(/^[A-Za-z0-9_-]{68}$/);
    expect(hook.url).toBe(`${sandbox.url}/api/webhooks/${hook.id}/${hook.token}`);
  });

  it('snowflakes are real and increasing', async () => {
    const a = await createWebhook(api, GENERAL, 'a');
    const b = await createWebhook(api, GENERAL, 'b');
    expect(BigInt(b.id)).toBeGreaterThan(BigInt(a.id));
    const created = Number((BigInt(a.id) >> 22n) + 1420070400000n);
    expect(Math.abs(created - Date.now())).toBeLessThan(60_000);
  });

  it('lists per channel and per guild, sorted by id, with tokens and creators', async () => {
    const a = await createWebhook(api, GENERAL, 'a');
    const b = await createWebhook(api, DEPLOYS, 'b');
    const c = await createWebhook(api.as(OTHER_BOT.token), GENERAL, 'c');
    const general = await api.get(`/channels/${GENERAL}/webhooks`);
    expect(general.body.map((w: any) => w.id)).toEqual([a.id, c.id]);
    expect(general.body[1]).toMatchObject({ user: { id: OTHER_BOT.id }, application_id: OTHER_BOT.id, token: c.token });
    const guild = await api.get(`/guilds/${GUILD_ID}/webhooks`);
    expect(guild.body.map((w: any) => w.id)).toEqual([a.id, b.id, c.id]);
  });

  it('gets, renames, clears the avatar and deletes by id', async () => {
    const hook = (await api.post(`/channels/${GENERAL}/webhooks`, { name: 'Old', avatar: PNG_DATA_URI })).body;
    expect((await api.get(`/webhooks/${hook.id}`)).body).toEqual(hook);
    const renamed = await api.patch(`/webhooks/${hook.id}`, { name: 'New', avatar: null });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: hook.id, token: hook.token, name: 'New', avatar: null, user: { id: BOT.id } });
    const deleted = await api.delete(`/webhooks/${hook.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await api.get(`/webhooks/${hook.id}`)).status).toBe(404);
  });

  it('PATCH channel_id moves the webhook in the guild, keeping id, token and URL', async () => {
    const hook = await createWebhook(api, GENERAL, 'Mover');
    const moved = await api.patch(`/webhooks/${hook.id}`, { channel_id: DEPLOYS });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id: hook.id, token: hook.token, url: hook.url, channel_id: DEPLOYS });
    expect((await api.get(`/channels/${GENERAL}/webhooks`)).body).toEqual([]);
    expect((await api.get(`/channels/${DEPLOYS}/webhooks`)).body.map((w: any) => w.id)).toEqual([hook.id]);
    const sent = await api.as(null).post(`/webhooks/${hook.id}/${hook.token}?wait=true`, { content: 'after move' });
    expect(sent.body.channel_id).toBe(DEPLOYS);
  });
});

describe('token routes', () => {
  it('GET/PATCH with the token need no auth and omit `user`', async () => {
    const hook = await createWebhook(api);
    const anon = api.as(null);
    const got = await anon.get(`/webhooks/${hook.id}/${hook.token}`);
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('user');
    expect(got.body).toMatchObject({ id: hook.id, token: hook.token, application_id: BOT.id });
    const patched = await anon.patch(`/webhooks/${hook.id}/${hook.token}`, { name: 'Renamed', channel_id: DEPLOYS });
    expect(patched.body).not.toHaveProperty('user');
    // channel_id is not accepted on the token route: ignored.
    expect(patched.body).toMatchObject({ name: 'Renamed', channel_id: GENERAL });
    expect((await anon.delete(`/webhooks/${hook.id}/${hook.token}`)).status).toBe(204);
    expect((await api.get(`/webhooks/${hook.id}`)).status).toBe(404);
  });

  it('execute: 204 without wait, the message with ?wait=true', async () => {
    const hook = await createWebhook(api);
    const anon = api.as(null);
    const quiet = await anon.post(`/webhooks/${hook.id}/${hook.token}`, { content: 'one' });
    expect(quiet.status).toBe(204);
    expect(quiet.body).toBeUndefined();
    const waited = await anon.post(`/webhooks/${hook.id}/${hook.token}?wait=true`, {
      content: 'two',
      username: 'Override',
      embeds: [{ title: 'T' }],
    });
    expect(waited.status).toBe(200);
    expect(waited.body).toMatchObject({
      type: 0,
      channel_id: GENERAL,
      content: 'two',
      webhook_id: hook.id,
      author: { id: hook.id, username: 'Override', bot: true },
      embeds: [{ title: 'T', type: 'rich' }],
    });
    const stored = await api.admin('GET', `/channels/${GENERAL}/messages`);
    expect(stored.body.map((m: any) => m.content)).toEqual(['one', 'two']);
    expect(stored.body[0].author.username).toBe('Deploys');
  });
});

describe('messages', () => {
  it('the bot sends and reads messages, newest first with limit', async () => {
    for (const content of ['a', 'b', 'c']) {
      const sent = await api.post(`/channels/${GENERAL}/messages`, { content });
      expect(sent.body).toMatchObject({ content, author: { id: BOT.id }, channel_id: GENERAL, guild_id: GUILD_ID });
    }
    const listed = await api.get(`/channels/${GENERAL}/messages?limit=2`);
    expect(listed.body.map((m: any) => m.content)).toEqual(['c', 'b']);
    const before = await api.get(`/channels/${GENERAL}/messages?before=${listed.body[1].id}`);
    expect(before.body.map((m: any) => m.content)).toEqual(['a']);
  });
});

describe('admin API', () => {
  it('posts a message as a user: stored, dispatched as MESSAGE_CREATE, returned', async () => {
    const dispatched: any[] = [];
    const original = sandbox.hub.dispatchMessageCreate;
    sandbox.hub.dispatchMessageCreate = (message) => void dispatched.push(message);
    try {
      const response = await api.admin('POST', '/messages', { channel_id: GENERAL, author_id: USER_ID, content: `>ping <@${BOT.id}>` });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        type: 0,
        channel_id: GENERAL,
        guild_id: GUILD_ID,
        author: { id: USER_ID, username: 'sandbox-user' },
        member: { roles: [], deaf: false, mute: false, nick: null },
        content: `>ping <@${BOT.id}>`,
        mentions: [{ id: BOT.id }],
        embeds: [],
        attachments: [],
      });
      expect(response.body.member).not.toHaveProperty('user');
      expect(response.body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
      expect(dispatched).toEqual([response.body]);
    } finally {
      sandbox.hub.dispatchMessageCreate = original;
    }
    expect((await api.admin('GET', `/channels/${GENERAL}/messages`)).body).toHaveLength(1);
  });

  it('rejects bad admin messages with Discord-shaped errors', async () => {
    expect((await api.admin('POST', '/messages', { channel_id: GENERAL })).body.code).toBe(50035);
    expect((await api.admin('POST', '/messages', { channel_id: '1', author_id: USER_ID, content: 'x' })).body.code).toBe(10003);
    expect((await api.admin('POST', '/messages', { channel_id: GENERAL, author_id: '1', content: 'x' })).body.code).toBe(10013);
    expect((await api.admin('POST', '/messages', { channel_id: GENERAL, author_id: USER_ID, content: '' })).body.code).toBe(50006);
  });

  it('lists all webhooks with tokens, records the audit log with URI-decoded reasons', async () => {
    const created = await api.post(`/channels/${GENERAL}/webhooks`, { name: 'A' }, { 'X-Audit-Log-Reason': encodeURIComponent('cordform apply: create "A" ✓') });
    await api.patch(`/webhooks/${created.body.id}`, { name: 'B' }, { 'X-Audit-Log-Reason': 'rename' });
    await api.delete(`/webhooks/${created.body.id}`);
    await createWebhook(api.as(OTHER_BOT.token), DEPLOYS, 'Other');
    const all = await api.admin('GET', '/webhooks');
    expect(all.body.map((w: any) => [w.name, typeof w.token])).toEqual([['Other', 'string']]);
    const log = await api.admin('GET', '/audit-log');
    expect(log.body.map((e: any) => [e.action, e.action_type, e.reason, e.user_id])).toEqual([
      ['WEBHOOK_CREATE', 50, 'cordform apply: create "A" ✓', BOT.id],
      ['WEBHOOK_UPDATE', 51, 'rename', BOT.id],
      ['WEBHOOK_DELETE', 52, null, BOT.id],
      ['WEBHOOK_CREATE', 50, null, OTHER_BOT.id],
    ]);
    expect(log.body[1].changes).toEqual([{ key: 'name', old_value: 'A', new_value: 'B' }]);
  });

  it('request log: method, token-masked path, status, bucket; clearable', async () => {
    const hook = await createWebhook(api);
    await api.as(null).post(`/webhooks/${hook.id}/${hook.token}`, { content: 'x' });
    await api.get('/nope');
    const log = (await api.admin('GET', '/requests')).body;
    expect(log.map((e: any) => [e.method, e.path, e.status])).toEqual([
      ['POST', `/api/v10/channels/${GENERAL}/webhooks`, 200],
      ['POST', `/api/v10/webhooks/${hook.id}/:token`, 204],
      ['GET', '/api/v10/nope', 404],
    ]);
    expect(JSON.stringify(log)).not.toContain(hook.token);
    expect(log[0]).toMatchObject({ route: 'POST /channels/:channel_id/webhooks', bot_id: BOT.id });
    expect((await api.admin('DELETE', '/requests')).status).toBe(204);
    expect((await api.admin('GET', '/requests')).body).toEqual([]);
  });

  it('reset goes back to the seed', async () => {
    await createWebhook(api);
    await api.post(`/channels/${GENERAL}/messages`, { content: 'x' });
    expect((await api.admin('POST', '/reset')).status).toBe(204);
    expect((await api.admin('GET', '/webhooks')).body).toEqual([]);
    expect((await api.admin('GET', '/audit-log')).body).toEqual([]);
    expect((await api.admin('GET', `/channels/${GENERAL}/messages`)).body).toEqual([]);
  });

  it('gateway hooks call the hub', async () => {
    const calls: string[] = [];
    const hub = sandbox.hub;
    const saved = { ...hub };
    hub.disconnectAll = (code) => void calls.push(`disconnect:${code}`);
    hub.requestReconnect = () => void calls.push('reconnect');
    hub.invalidateSessions = (resumable) => void calls.push(`invalidate:${resumable}`);
    try {
      expect((await api.admin('POST', '/gateway/disconnect', { code: 4000 })).status).toBe(204);
      expect((await api.admin('POST', '/gateway/reconnect')).status).toBe(204);
      expect((await api.admin('POST', '/gateway/invalidate', { resumable: true })).status).toBe(204);
      expect(calls).toEqual(['disconnect:4000', 'reconnect', 'invalidate:true']);
      expect((await api.admin('GET', '/gateway/stats')).status).toBe(200);
    } finally {
      Object.assign(hub, saved);
    }
  });

  it('unknown admin routes are 404, wrong methods 405', async () => {
    expect((await api.admin('GET', '/nope')).status).toBe(404);
    expect((await api.admin('GET', '/reset')).status).toBe(405);
  });
});
