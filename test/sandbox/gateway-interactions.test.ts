import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED, startSandbox, type Sandbox, type SandboxSeed } from '../../src/sandbox/server.js';
import { Api, BOT, GENERAL, GUILD_ID, OTHER_BOT, USER_ID } from './helpers.js';

/**
 * An application without an interactions endpoint URL receives its interactions as
 * INTERACTION_CREATE over the gateway (an unchanged discord.js bot answers them with
 * interaction.reply); one with an endpoint URL gets them over HTTP, as on Discord.
 */
let sandbox: Sandbox;
let api: Api;
let client: Client;
let endpoint: Server;
let received: unknown[] = [];
const OFFLINE = { id: '100000000000000050', token: 'sandbox-offline-bot-token' };

beforeAll(async () => {
  endpoint = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      received.push(JSON.parse(text));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ type: 4, data: { content: 'from the endpoint' } }));
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  const seed = structuredClone(DEFAULT_SEED) as SandboxSeed;
  seed.bots[1]!.interactions_endpoint_url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/interactions`;
  // A third bot without an endpoint and without a gateway session.
  seed.bots.push({ id: OFFLINE.id, username: 'offline-bot', token: OFFLINE.token });
  seed.guilds[0]!.members!.push(OFFLINE.id);
  sandbox = await startSandbox({ seed, gatewayHeartbeatMs: 1000 });
  api = new Api(sandbox);
  for (const { token, id } of [BOT, OTHER_BOT, OFFLINE]) {
    const put = await api.as(token).request('PUT', `/applications/${id}/guilds/${GUILD_ID}/commands`, { body: [{ name: 'ping', description: 'Ping' }] });
    expect(put.status).toBe(200);
  }
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: `${sandbox.url}/api` } });
  client.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isChatInputCommand() && interaction.commandName === 'ping') void interaction.reply(`pong for ${interaction.user.id}`);
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(BOT.token);
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await sandbox?.close();
  await new Promise<void>((resolve) => endpoint.close(() => resolve()));
});

const send = (extra: Record<string, unknown> = {}) =>
  api.admin('POST', '/interactions', { guild_id: GUILD_ID, channel_id: GENERAL, user_id: USER_ID, command: 'ping', ...extra });

describe('interactions without an endpoint URL', () => {
  it('reach a discord.js bot as INTERACTION_CREATE; its reply is the initial response', async () => {
    expect((await api.get('/applications/@me')).body.interactions_endpoint_url).toBeNull();
    const result = await send();
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ via: 'gateway', sessions: 1, response_type: 4, interaction: { type: 2, data: { name: 'ping' } } });
    const messages = (await api.admin('GET', `/channels/${GENERAL}/messages`)).body;
    expect(messages.at(-1)).toMatchObject({ content: `pong for ${USER_ID}`, author: { id: BOT.id }, interaction_metadata: { id: result.body.interaction.id } });
  });

  it('with no session of that bot connected nobody gets it (sessions 0) and it is never acknowledged', async () => {
    const result = await send({ application_id: OFFLINE.id });
    expect(result.body).toMatchObject({ via: 'gateway', sessions: 0, response_type: null });
    expect((await api.admin('GET', `/interactions/${result.body.interaction.id}`)).body).toMatchObject({ response: null });
    // A PING only ever goes to an endpoint.
    expect((await send({ type: 1, application_id: OFFLINE.id })).status).toBe(400);
  });
});

describe('interactions with an endpoint URL', () => {
  it('go to the seeded interactions_endpoint_url over HTTP, not the gateway', async () => {
    received = [];
    expect((await api.as(OTHER_BOT.token).get('/applications/@me')).body.interactions_endpoint_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/interactions$/);
    const result = await send({ application_id: OTHER_BOT.id });
    expect(result.body).toMatchObject({ via: 'http', response: { status: 200 } });
    expect(received).toHaveLength(1);
    expect((await api.admin('GET', `/channels/${GENERAL}/messages`)).body.at(-1)).toMatchObject({ content: 'from the endpoint', author: { id: OTHER_BOT.id } });
  });
});
