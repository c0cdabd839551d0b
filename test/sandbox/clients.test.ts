import { DiscordAPIError, REST } from '@discordjs/rest';
import { Routes, type APIMessage, type APIWebhook } from 'discord-api-types/v10';
import { WebhookClient } from 'discord.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED, type SandboxSeed } from '../../src/sandbox/server.js';
import { BOT, DEPLOYS, GENERAL, GUILD_ID, useTestSandbox } from './helpers.js';

const LOCKED = '100000000000000004';
const seed: SandboxSeed = {
  ...DEFAULT_SEED,
  guilds: [
    {
      ...DEFAULT_SEED.guilds[0]!,
      channels: [...DEFAULT_SEED.guilds[0]!.channels, { id: LOCKED, name: 'locked', lacks_manage_webhooks: [BOT.id] }],
    },
  ],
};

const { sandbox } = useTestSandbox(
  {
    seed,
    // Small windows so the client's own rate-limit handling is exercised quickly.
    rateLimits: { buckets: { 'channel-webhooks': { limit: 2, window_ms: 250 } } },
  },
  { reset: false },
);
let rest: REST;

beforeAll(() => {
  rest = new REST({ api: `${sandbox.url}/api`, version: '10' }).setToken(BOT.token);
});

async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiscordAPIError);
  return error as DiscordAPIError;
}

describe('@discordjs/rest against the sandbox', () => {
  it('creates, lists, modifies (incl. move) and deletes webhooks', async () => {
    const created = (await rest.post(Routes.channelWebhooks(GENERAL), { body: { name: 'From REST' }, reason: 'made by @discordjs/rest' })) as APIWebhook;
    expect(created).toMatchObject({ name: 'From REST', channel_id: GENERAL, type: 1 });
    const listed = (await rest.get(Routes.guildWebhooks(GUILD_ID))) as APIWebhook[];
    expect(listed.map((w) => w.id)).toContain(created.id);
    const modified = (await rest.patch(Routes.webhook(created.id), { body: { name: 'Renamed', channel_id: DEPLOYS } })) as APIWebhook;
    expect(modified).toMatchObject({ id: created.id, name: 'Renamed', channel_id: DEPLOYS, token: created.token });
    await rest.delete(Routes.webhook(created.id));
    const audit = sandbox.state.audit();
    expect(audit.find((e) => e.action === 'WEBHOOK_CREATE' && e.target_id === created.id)?.reason).toBe('made by @discordjs/rest');
    const gone = await apiError(rest.get(Routes.webhook(created.id)));
    expect(gone.code).toBe(10015);
    expect(gone.status).toBe(404);
  });

  it('gets Discord\'s error codes back as DiscordAPIError', async () => {
    const invalid = await apiError(rest.post(Routes.channelWebhooks(GENERAL), { body: { name: 'clyde' } }));
    expect(invalid.code).toBe(50035);
    expect(invalid.status).toBe(400);
    expect(invalid.message).toContain('name[USERNAME_INVALID_CONTAINS]');
    const forbidden = await apiError(rest.get(Routes.channelWebhooks(LOCKED)));
    expect(forbidden).toMatchObject({ code: 50013, status: 403 });
    const unknown = await apiError(rest.get(Routes.channelWebhooks('999999999999999999')));
    expect(unknown).toMatchObject({ code: 10003, status: 404 });
  });

  it('honours the rate-limit headers: a burst through the client never gets a 429', async () => {
    sandbox.reset();
    const results = await Promise.all(Array.from({ length: 7 }, () => rest.get(Routes.channelWebhooks(DEPLOYS))));
    expect(results).toHaveLength(7);
    const log = sandbox.requests();
    expect(log.filter((e) => e.route === 'GET /channels/:channel_id/webhooks')).toHaveLength(7);
    expect(log.filter((e) => e.status === 429)).toEqual([]);
  });
});

describe('discord.js WebhookClient', () => {
  it('executes a webhook and gets the message back', async () => {
    const hook = (await rest.post(Routes.channelWebhooks(GENERAL), { body: { name: 'Notifier' } })) as APIWebhook;
    const client = new WebhookClient({ id: hook.id, token: hook.token! }, { rest: { api: `${sandbox.url}/api` } });
    try {
      const message = (await client.send({ content: 'hello from discord.js', embeds: [{ title: 'Build', description: 'green' }] })) as APIMessage;
      expect(message).toMatchObject({ content: 'hello from discord.js', webhook_id: hook.id, channel_id: GENERAL });
      const stored = sandbox.state.messages.chronological(GENERAL).at(-1)!;
      expect(stored.embeds[0]).toMatchObject({ title: 'Build', description: 'green' });
    } finally {
      client.destroy();
    }
  });

  it('fetches, edits and deletes its own message', async () => {
    const hook = (await rest.post(Routes.channelWebhooks(GENERAL), { body: { name: 'Editor' } })) as APIWebhook;
    const client = new WebhookClient({ id: hook.id, token: hook.token! }, { rest: { api: `${sandbox.url}/api` } });
    try {
      const sent = (await client.send({ content: 'deploying', embeds: [{ title: 'Build' }] })) as APIMessage;
      const fetched = (await client.fetchMessage(sent.id)) as APIMessage;
      expect(fetched).toMatchObject({ id: sent.id, content: 'deploying', webhook_id: hook.id, edited_timestamp: null });
      const edited = (await client.editMessage(sent.id, { content: 'deployed' })) as APIMessage;
      expect(edited).toMatchObject({ id: sent.id, content: 'deployed', embeds: [{ title: 'Build' }] });
      expect(edited.edited_timestamp).toEqual(expect.any(String));
      expect(sandbox.state.messages.find(GENERAL, sent.id)).toMatchObject({ content: 'deployed' });
      await client.deleteMessage(sent.id);
      expect(sandbox.state.messages.find(GENERAL, sent.id)).toBeUndefined();
      // discord.js bundles its own @discordjs/rest, so its DiscordAPIError is another class.
      await expect(client.fetchMessage(sent.id)).rejects.toMatchObject({ name: 'DiscordAPIError[10008]', code: 10008, status: 404 });
    } finally {
      client.destroy();
    }
  });
});
