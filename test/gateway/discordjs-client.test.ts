import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Events, GatewayIntentBits, type Message } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachGateway, GATEWAY_PATH, type GatewayHub } from '../../src/sandbox/gateway/server.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import type { APIUser } from '../../src/discord/types.js';
import { CHANNEL_ID, GUILD_ID, HUMAN, guildObject, makeMessage, waitFor } from './helpers.js';

/**
 * A real third-party gateway client (discord.js 14 over @discordjs/ws) against the sandbox
 * gateway: first through the whole sandbox (REST `GET /gateway/bot` + admin API), then
 * against the gateway alone behind a minimal HTTP server that answers only
 * `GET /api/v10/gateway/bot`, so gateway regressions show up independently of the REST side.
 */
const TOKEN = 'sandbox-bot-token';
const BOT: APIUser = { id: '100000000000000010', username: 'sandbox-bot', discriminator: '0', avatar: null, bot: true };

let server: Server;
let hub: GatewayHub;
let baseUrl = '';
let client: Client | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'GET' && req.url === '/api/v10/gateway/bot') {
      if (req.headers.authorization !== `Bot ${TOKEN}`) {
        res.statusCode = 401;
        res.end(JSON.stringify({ message: '401: Unauthorized', code: 0 }));
        return;
      }
      res.end(
        JSON.stringify({
          url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}${GATEWAY_PATH}`,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
        }),
      );
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ message: '404: Not Found', code: 0 }));
  });
  hub = attachGateway({
    server,
    authenticate: (token) => (token === TOKEN ? { user: BOT, messageContentAllowed: true } : null),
    guildsFor: (botUserId) => (botUserId === BOT.id ? [guildObject()] : []),
    publicUrl: () => baseUrl.replace('http://', 'ws://'),
    heartbeatIntervalMs: 1000,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await client?.destroy();
  await hub.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('discord.js gateway client against the sandbox', () => {
  let sandbox: Sandbox;
  let djs: Client | undefined;

  beforeAll(async () => {
    sandbox = await startSandbox({ gatewayHeartbeatMs: 1000 });
  });

  afterAll(async () => {
    await djs?.destroy();
    await sandbox?.close();
  });

  it('logs in with the seed bot, becomes ready, and receives messageCreate for an admin-posted message', async () => {
    djs = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      rest: { api: `${sandbox.url}/api` },
    });
    const ready = new Promise<void>((resolve) => djs!.once(Events.ClientReady, () => resolve()));
    const received = new Promise<Message>((resolve) => djs!.once(Events.MessageCreate, resolve));
    await djs.login('sandbox-bot-token');
    await ready;
    expect(djs.user?.id).toBe('100000000000000010');
    expect(djs.guilds.cache.get('100000000000000001')?.available).toBe(true);

    const response = await fetch(`${sandbox.url}/__sandbox/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel_id: '100000000000000002', author_id: '100000000000000020', content: 'hello' }),
    });
    expect(response.status).toBe(200);
    const message = await received;
    expect(message.content).toBe('hello');
    expect(message.channelId).toBe('100000000000000002');
    expect(message.author.id).toBe('100000000000000020');
  });
});

describe('discord.js gateway client against the gateway alone', () => {
  it('logs in, becomes ready with the guild, receives messageCreate, and resumes after a disconnect', async () => {
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      rest: { api: `${baseUrl}/api` },
    });
    const ready = new Promise<void>((resolve) => client!.once(Events.ClientReady, () => resolve()));
    const messages: Message[] = [];
    client.on(Events.MessageCreate, (message) => messages.push(message));

    await client.login(TOKEN);
    await ready;
    expect(client.user?.id).toBe(BOT.id);
    expect(client.guilds.cache.get(GUILD_ID)?.available).toBe(true);
    expect(client.channels.cache.get(CHANNEL_ID)?.isTextBased()).toBe(true);

    hub.dispatchMessageCreate(makeMessage('hello'));
    await waitFor(() => messages.length === 1, 5000, 'messageCreate');
    expect(messages[0]).toMatchObject({ content: 'hello', channelId: CHANNEL_ID, guildId: GUILD_ID });
    expect(messages[0]?.author.id).toBe(HUMAN.id);

    // discord.js resumes on 4000; the message sent while it was away is replayed once.
    const resumed = new Promise<void>((resolve) => client!.once(Events.ShardResume, () => resolve()));
    hub.disconnectAll(4000);
    hub.dispatchMessageCreate(makeMessage('while away'));
    await resumed;
    await waitFor(() => messages.length === 2, 5000, 'replayed messageCreate');
    expect(messages.map((m) => m.content)).toEqual(['hello', 'while away']);
  });
});
