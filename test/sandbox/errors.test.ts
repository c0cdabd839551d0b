import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, type SandboxSeed } from '../../src/sandbox/server.js';
import { BOT, createWebhook, GENERAL, GUILD_ID, OTHER_BOT, PNG_DATA_URI, startTestSandbox, useTestSandbox } from './helpers.js';

const LOCKED = '100000000000000004';
const CATEGORY = '100000000000000005';
const STRICT_GUILD = '100000000000000101';
const STRICT_CHANNEL = '100000000000000102';
const FOREIGN_GUILD = '100000000000000201';
const FOREIGN_CHANNEL = '100000000000000202';

/** The default world plus: a channel where the bot lacks MANAGE_WEBHOOKS, a guild whose
 * @everyone lacks it, and a guild the bot is not in. */
const seed: SandboxSeed = {
  ...DEFAULT_SEED,
  guilds: [
    {
      ...DEFAULT_SEED.guilds[0]!,
      channels: [
        ...DEFAULT_SEED.guilds[0]!.channels,
        { id: LOCKED, name: 'locked', lacks_manage_webhooks: [BOT.id] },
        { id: CATEGORY, name: 'Category', type: 4 },
      ],
    },
    {
      id: STRICT_GUILD,
      name: 'Strict',
      roles: [{ id: STRICT_GUILD, name: '@everyone', permissions: String((1 << 10) | (1 << 11) | (1 << 16)) }],
      channels: [{ id: STRICT_CHANNEL, name: 'general' }],
    },
    {
      id: FOREIGN_GUILD,
      name: 'Foreign',
      members: ['100000000000000020', OTHER_BOT.id],
      channels: [{ id: FOREIGN_CHANNEL, name: 'general' }],
    },
  ],
};

const { sandbox, api } = useTestSandbox({ seed });

const nameError = (code: string, message: string) => ({ name: { _errors: [{ code, message }] } });

describe('authorization (401)', () => {
  it.each([
    ['no Authorization header', null],
    ['an unknown token', 'not-a-token'],
  ])('%s → 401 {"message":"401: Unauthorized","code":0}', async (_what, token) => {
    const response = await api.as(token).get('/users/@me');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: '401: Unauthorized', code: 0 });
  });

  it('a Bearer token is not a bot token', async () => {
    const response = await api.as(null).get('/users/@me', { Authorization: `Bearer ${BOT.token}` });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe(0);
  });
});

describe('unknown resources (404)', () => {
  it('10003 Unknown Channel', async () => {
    const response = await api.post('/channels/999999999999999999/webhooks', { name: 'x' });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ message: 'Unknown Channel', code: 10003 });
    expect((await api.get('/channels/999999999999999999/messages')).body.code).toBe(10003);
  });

  it('10004 Unknown Guild', async () => {
    for (const path of ['/guilds/999999999999999999', '/guilds/999999999999999999/webhooks', '/guilds/999999999999999999/channels']) {
      const response = await api.get(path);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: 'Unknown Guild', code: 10004 });
    }
  });

  it('10015 Unknown Webhook, by id and by token', async () => {
    for (const response of [
      await api.get('/webhooks/999999999999999999'),
      await api.patch('/webhooks/999999999999999999', { name: 'x' }),
      await api.delete('/webhooks/999999999999999999'),
      await api.as(null).get('/webhooks/999999999999999999/sometoken'),
      await api.as(null).post('/webhooks/999999999999999999/sometoken', { content: 'x' }),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: 'Unknown Webhook', code: 10015 });
    }
  });

  it('10013 Unknown User and 10007 Unknown Member', async () => {
    expect((await api.get(`/guilds/${GUILD_ID}/members/999999999999999999`)).body.code).toBe(10013);
    const response = await api.as(OTHER_BOT.token).get(`/guilds/${FOREIGN_GUILD}/members/${BOT.id}`);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe(10007);
  });

  it('unknown routes → 404 {"message":"404: Not Found","code":0}', async () => {
    for (const path of ['/nope', '/channels', '/api/v9/users/@me']) {
      const response = await api.get(path);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: '404: Not Found', code: 0 });
    }
    const outside = await api.request('GET', '/whatever', { base: sandbox.url });
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual({ message: '404: Not Found', code: 0 });
  });

  it('a known path with the wrong method → 405', async () => {
    for (const [method, path] of [['PUT', `/channels/${GENERAL}/webhooks`], ['DELETE', '/users/@me'], ['POST', `/guilds/${GUILD_ID}`]] as const) {
      const response = await api.request(method, path);
      expect(response.status).toBe(405);
      expect(response.body).toEqual({ message: '405: Method Not Allowed', code: 0 });
    }
  });
});

describe('permissions (403)', () => {
  it('50013 Missing Permissions where the seed says the bot lacks MANAGE_WEBHOOKS', async () => {
    for (const response of [
      await api.post(`/channels/${LOCKED}/webhooks`, { name: 'x' }),
      await api.get(`/channels/${LOCKED}/webhooks`),
      await api.get(`/guilds/${STRICT_GUILD}/webhooks`),
      await api.post(`/channels/${STRICT_CHANNEL}/webhooks`, { name: 'x' }),
    ]) {
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: 'Missing Permissions', code: 50013 });
    }
  });

  it('webhook by id: 50013 without MANAGE_WEBHOOKS, but GET is allowed when the application owns it', async () => {
    // The other bot creates a webhook in #locked; only the main bot lacks MANAGE_WEBHOOKS there.
    const theirs = await createWebhook(api.as(OTHER_BOT.token), LOCKED, 'Theirs');
    expect((await api.get(`/webhooks/${theirs.id}`)).body.code).toBe(50013);
    expect((await api.patch(`/webhooks/${theirs.id}`, { name: 'Mine' })).body.code).toBe(50013);
    expect((await api.delete(`/webhooks/${theirs.id}`)).status).toBe(403);

    // A webhook the main bot's application created, in a channel where it then cannot manage webhooks.
    const own = await createWebhook(api, GENERAL, 'Own');
    const moved = await api.as(OTHER_BOT.token).patch(`/webhooks/${own.id}`, { channel_id: LOCKED });
    expect(moved.status).toBe(200);
    const get = await api.get(`/webhooks/${own.id}`);
    expect(get.status).toBe(200);
    expect(get.body.application_id).toBe(BOT.id);
    expect((await api.patch(`/webhooks/${own.id}`, { name: 'x' })).body.code).toBe(50013);
  });

  it('50001 Missing Access for a guild or channel the bot is not in', async () => {
    for (const response of [
      await api.get(`/guilds/${FOREIGN_GUILD}`),
      await api.get(`/channels/${FOREIGN_CHANNEL}/webhooks`),
      await api.post(`/channels/${FOREIGN_CHANNEL}/messages`, { content: 'hi' }),
    ]) {
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: 'Missing Access', code: 50001 });
    }
  });

  it('a move to another guild\'s channel is 10003 Unknown Channel', async () => {
    const hook = await createWebhook(api.as(OTHER_BOT.token), GENERAL, 'Mover');
    const response = await api.as(OTHER_BOT.token).patch(`/webhooks/${hook.id}`, { channel_id: FOREIGN_CHANNEL });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe(10003);
  });
});

describe('invalid form bodies (400 50035)', () => {
  it.each([
    ['a missing name', {}, nameError('BASE_TYPE_REQUIRED', 'This field is required')],
    ['an empty name', { name: '' }, nameError('BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 80 in length.')],
    ['an 81-character name', { name: 'x'.repeat(81) }, nameError('BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 80 in length.')],
    ['"clyde" in the name', { name: 'My CLYDE hook' }, nameError('USERNAME_INVALID_CONTAINS', 'Username cannot contain "clyde"')],
    ['"discord" in the name', { name: 'DiScOrD' }, nameError('USERNAME_INVALID_CONTAINS', 'Username cannot contain "discord"')],
  ])('create with %s', async (_what, body, errors) => {
    const response = await api.post(`/channels/${GENERAL}/webhooks`, body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: 'Invalid Form Body', code: 50035, errors });
  });

  it('an 80-character name is fine', async () => {
    expect((await api.post(`/channels/${GENERAL}/webhooks`, { name: 'x'.repeat(80) })).status).toBe(200);
  });

  it.each([
    ['not a data URI', 'https://example.com/a.png'],
    ['a text data URI', `data:text/plain;base64,${Buffer.from('hello').toString('base64')}`],
    ['image bytes that are not PNG/JPEG/GIF', `data:image/png;base64,${Buffer.from('RIFF0000WEBPVP8 ').toString('base64')}`],
    ['not a string', 42],
  ])('an avatar that is %s → IMAGE_INVALID', async (_what, avatar) => {
    const response = await api.post(`/channels/${GENERAL}/webhooks`, { name: 'Ok', avatar });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      message: 'Invalid Form Body',
      code: 50035,
      errors: { avatar: { _errors: [{ code: 'IMAGE_INVALID', message: 'Invalid image data' }] } },
    });
  });

  it('all field errors are reported together, also on PATCH', async () => {
    const hook = await createWebhook(api);
    const response = await api.patch(`/webhooks/${hook.id}`, { name: 'discord', avatar: 'nope', channel_id: 'abc' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe(50035);
    expect(Object.keys(response.body.errors).sort()).toEqual(['avatar', 'channel_id', 'name']);
    expect(response.body.errors.channel_id._errors[0].code).toBe('NUMBER_TYPE_COERCE');
  });

  it('a body that is not an object', async () => {
    const response = await api.request('POST', `/channels/${GENERAL}/webhooks`, { raw: '[1,2]' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe(50035);
    expect(response.body.errors._errors[0].code).toBe('DICT_TYPE_CONVERT');
  });

  it('message limits: content over 2000 characters, bad limit query', async () => {
    const long = await api.post(`/channels/${GENERAL}/messages`, { content: 'x'.repeat(2001) });
    expect(long.status).toBe(400);
    expect(long.body.errors.content._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    const limit = await api.get(`/channels/${GENERAL}/messages?limit=101`);
    expect(limit.status).toBe(400);
    expect(limit.body.errors.limit._errors[0].code).toBe('NUMBER_TYPE_MAX');
  });
});

describe('other documented errors', () => {
  it('400 30007 when a channel already has 15 webhooks (create and move)', async () => {
    for (let i = 0; i < 15; i += 1) await createWebhook(api, GENERAL, `hook ${i}`);
    const response = await api.post(`/channels/${GENERAL}/webhooks`, { name: 'sixteenth' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: 'Maximum number of webhooks reached (15)', code: 30007 });
    const other = await createWebhook(api, '100000000000000003', 'elsewhere');
    const move = await api.patch(`/webhooks/${other.id}`, { channel_id: GENERAL });
    expect(move.status).toBe(400);
    expect(move.body.code).toBe(30007);
  });

  it('400 30058 when the guild has 1000 webhooks', async () => {
    const channels = Array.from({ length: 67 }, (_, i) => ({ id: String(300000000000000000n + BigInt(i)), name: `c${i}` }));
    const big = await startTestSandbox({
      seed: {
        bots: DEFAULT_SEED.bots,
        guilds: [{ id: '300000000000001000', name: 'Big', channels }],
        webhooks: Array.from({ length: 1000 }, (_, i) => ({
          id: String(310000000000000000n + BigInt(i)),
          channel_id: channels[Math.floor(i / 15)]!.id,
          name: `hook ${i}`,
          creator_id: BOT.id,
        })),
      },
    });
    try {
      const response = await big.api.post(`/channels/${channels[66]!.id}/webhooks`, { name: 'one too many' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: 'Maximum number of webhooks per guild reached (1000)', code: 30058 });
    } finally {
      await big.sandbox.close();
    }
  });

  it('401 50027 Invalid Webhook Token on every token route', async () => {
    const hook = await createWebhook(api);
    const tokenless = api.as(null);
    for (const response of [
      await tokenless.get(`/webhooks/${hook.id}/wrong-token`),
      await tokenless.patch(`/webhooks/${hook.id}/wrong-token`, { name: 'x' }),
      await tokenless.delete(`/webhooks/${hook.id}/wrong-token`),
      await tokenless.post(`/webhooks/${hook.id}/wrong-token`, { content: 'x' }),
    ]) {
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Invalid Webhook Token', code: 50027 });
    }
  });

  it('400 50006 Cannot send an empty message', async () => {
    const hook = await createWebhook(api);
    for (const response of [
      await api.as(null).post(`/webhooks/${hook.id}/${hook.token}`, {}),
      await api.as(null).post(`/webhooks/${hook.id}/${hook.token}`, { content: '', embeds: [] }),
      await api.post(`/channels/${GENERAL}/messages`, { content: '' }),
    ]) {
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: 'Cannot send an empty message', code: 50006 });
    }
  });

  it('400 50109 for malformed JSON', async () => {
    const response = await api.request('POST', `/channels/${GENERAL}/webhooks`, { raw: '{"name": "x"' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: 'The request body contains invalid JSON.', code: 50109 });
  });

  it('413 for a body over 8 MiB', async () => {
    const response = await api.request('POST', `/channels/${GENERAL}/webhooks`, { raw: `{"name":"${'x'.repeat(8 * 1024 * 1024)}"}` });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe(40005);
  });

  it('400 50024 for a webhook in a category', async () => {
    const response = await api.post(`/channels/${CATEGORY}/webhooks`, { name: 'x', avatar: PNG_DATA_URI });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe(50024);
  });
});
