import { describe, expect, it } from 'vitest';
import { DiscordRestClient } from '../../src/discord/rest-client.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { Api, BOT, GUILD_ID, OTHER_BOT, useTestSandbox } from './helpers.js';

/** Guild application commands: GET / PUT (bulk overwrite) / POST (upsert), Discord's validation. */
const { sandbox, api } = useTestSandbox();
const path = (applicationId = BOT.id, guildId = GUILD_ID) => `/applications/${applicationId}/guilds/${guildId}/commands`;

describe('guild application commands', () => {
  it('starts empty; a bulk overwrite replaces the whole list and keeps ids of commands it keeps', async () => {
    expect((await api.get(path())).body).toEqual([]);
    const first = await api.request('PUT', path(), {
      body: [
        { name: 'ping', description: 'Ping' },
        { name: 'deploy', description: 'Deploy', options: [{ type: 3, name: 'env', description: 'Where', required: true }] },
      ],
    });
    expect(first.status).toBe(200);
    expect(first.body).toHaveLength(2);
    const ping = first.body[0];
    expect(ping).toMatchObject({
      application_id: BOT.id,
      guild_id: GUILD_ID,
      type: 1,
      name: 'ping',
      description: 'Ping',
      default_member_permissions: null,
      nsfw: false,
    });
    expect(ping.id).toMatch(/^\d+$/);
    expect(ping.version).toMatch(/^\d+$/);

    const second = await api.request('PUT', path(), { body: [{ name: 'ping', description: 'Ping' }, { name: 'help', description: 'Help' }] });
    expect(second.body.map((c: { name: string }) => c.name)).toEqual(['ping', 'help']);
    expect(second.body[0].id).toBe(ping.id);
    expect(second.body[0].version).toBe(ping.version); // unchanged content keeps its version
    expect((await api.get(path())).body.map((c: { name: string }) => c.name)).toEqual(['ping', 'help']);

    const changed = await api.request('PUT', path(), { body: [{ name: 'ping', description: 'Ping!' }] });
    expect(changed.body[0].id).toBe(ping.id);
    expect(changed.body[0].version).not.toBe(ping.version);
    expect(await api.request('PUT', path(), { body: [] })).toMatchObject({ status: 200, body: [] });
  });

  it('POST upserts by name: 201 for a new command, 200 when it replaced one', async () => {
    const created = await api.post(path(), { name: 'ping', description: 'Ping' });
    expect(created.status).toBe(201);
    const replaced = await api.post(path(), { name: 'ping', description: 'Pong' });
    expect(replaced.status).toBe(200);
    expect(replaced.body.id).toBe(created.body.id);
    expect((await api.get(path())).body).toHaveLength(1);
  });

  it('validates names, descriptions and options with 50035 field errors', async () => {
    const res = await api.request('PUT', path(), {
      body: [
        { name: 'Ping', description: 'upper case' },
        { name: 'x'.repeat(33), description: 'too long' },
        { name: 'ok', description: '' },
        { name: 'opts', description: 'd', options: [{ type: 3, name: 'a', description: 'a' }, { type: 3, name: 'b', description: 'b', required: true }] },
        { name: 'bad type', type: 7, description: 'd' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 50035, message: 'Invalid Form Body' });
    expect(res.body.errors['0'].name._errors[0].code).toBe('APPLICATION_COMMAND_INVALID_NAME');
    expect(res.body.errors['1'].name._errors[0]).toEqual({ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 32 in length.' });
    expect(res.body.errors['2'].description._errors[0]).toEqual({ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
    expect(res.body.errors['3'].options['1'].required._errors[0].code).toBe('APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID');
    expect(res.body.errors['4'].type._errors[0].code).toBe('BASE_TYPE_CHOICES');
    // Nothing was written.
    expect((await api.get(path())).body).toEqual([]);

    const long = await api.post(path(), { name: 'x', description: 'd'.repeat(101) });
    expect(long.status).toBe(400);
    expect(long.body.errors.description._errors[0].code).toBe('BASE_TYPE_BAD_LENGTH');
    const notArray = await api.request('PUT', path(), { body: { name: 'x' } });
    expect(notArray.body.code).toBe(50035);
    const duplicate = await api.request('PUT', path(), { body: [{ name: 'a', description: 'a' }, { name: 'a', description: 'b' }] });
    expect(duplicate.body.errors['1'].name._errors[0].code).toBe('APPLICATION_COMMANDS_DUPLICATE_NAME');
  });

  it('accepts Discord naming beyond ASCII (unicode letters, - _ \') and user commands with spaces', async () => {
    const res = await api.request('PUT', path(), {
      body: [
        { name: 'über-cmd_1', description: 'd' },
        { name: 'ठीक', description: 'd' },
        { name: 'High Five', type: 2 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body[2]).toMatchObject({ type: 2, name: 'High Five', description: '' });
  });

  it('at most 100 slash commands per guild: 400 30032', async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `c${i}`, description: 'd' }));
    const res = await api.request('PUT', path(), { body: many });
    expect(res).toMatchObject({ status: 400, body: { code: 30032 } });
    expect((await api.request('PUT', path(), { body: many.slice(0, 100) })).status).toBe(200);
    expect((await api.post(path(), { name: 'one-more', description: 'd' })).body.code).toBe(30032);
  });

  it("a bot manages only its own application's commands (403 20012); auth and guild checks", async () => {
    const other = await api.request('PUT', path(OTHER_BOT.id), { body: [] });
    expect(other).toMatchObject({ status: 403, body: { code: 20012 } });
    expect((await api.as(null).get(path())).status).toBe(401);
    expect((await api.get(path(BOT.id, '999999999999999999'))).body.code).toBe(10004);
  });

  it('the real REST client reads and writes them', async () => {
    const client = new DiscordRestClient({ apiBase: sandbox.apiBase, token: BOT.token });
    try {
      const written = await client.bulkOverwriteGuildCommands(BOT.id, GUILD_ID, [{ type: 1, name: 'ping', description: 'Ping' }]);
      expect(written[0]?.name).toBe('ping');
      expect((await client.getGuildCommands(BOT.id, GUILD_ID)).map((c) => c.name)).toEqual(['ping']);
    } finally {
      await client.close();
    }
  });

  it('uses the application-commands bucket, under the global limit', async () => {
    const limited = await startSandbox();
    try {
      const res = await new Api(limited).get(path());
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('5');
      expect(res.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      await limited.close();
    }
  });
});
