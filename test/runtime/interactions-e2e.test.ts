import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryIo } from '../../src/cli/io.js';
import { GatewayClient } from '../../src/discord/gateway-client.js';
import { DiscordRestClient } from '../../src/discord/rest-client.js';
import type { Manifest } from '../../src/manifest/types.js';
import { startRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import {
  BOT_ID,
  DEPLOYS,
  GENERAL,
  GUILD_ID,
  HUMAN_ID,
  command,
  eventually,
  guild,
  httpPost,
  manifest,
  replyJson,
  sendMessage,
  startTarget,
  type Target,
} from './fixtures.js';
import { cliWorkspace } from '../support/cli-harness.js';

/**
 * Slash commands end to end: the sandbox (REST, gateway, interactions service), `cordform
 * apply` syncing the declared slash commands, the runtime's POST /interactions, and a local
 * HTTP_POST target that answers SEND_MESSAGE_TO_CHANNEL.
 */
const TOKEN = 'sandbox-bot-token';

let sandbox: Sandbox;
let target: Target;
let publicKey: string;
let runtime: Runtime;
let api: DiscordRestClient;
let io: ReturnType<typeof createMemoryIo>;

interface ChannelMessage {
  id: string;
  content: string;
  author: { id: string };
  webhook_id?: string;
  interaction_metadata?: { id: string; name: string };
}

async function channelMessages(channelId: string): Promise<ChannelMessage[]> {
  return (await (await fetch(`${sandbox.url}/__sandbox/channels/${channelId}/messages`)).json()) as ChannelMessage[];
}

async function sendInteraction(body: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${sandbox.url}/__sandbox/interactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${runtime.port}/interactions`, ...body }),
  });
  expect(res.status).toBe(200);
  return res.json();
}

const slash = (description: string) => ({ slash: { description, options: [] } });

function testManifest(extra: Partial<Manifest['discord']> = {}): Manifest {
  return manifest(
    [
      guild([
        command('hello', [httpPost(target.url)], { ...slash('Say hello'), prefix: false }),
        command('echo', [sendMessage('{{author.id}} said {{args}}'), sendMessage('and again: {{content}}')], {
          slash: { description: 'Echo', options: [{ type: 'string', name: 'text', description: 'What to say', required: true }] },
        }),
        command('elsewhere', [sendMessage('posted elsewhere', DEPLOYS)], { ...slash('Posts in #deploys') }),
        command('mods', [sendMessage('secret')], {
          ...slash('Moderators only'),
          inhibitors: { permissions: [], roles: ['999999999999999999'], channels: [], nsfw: false },
        }),
      ]),
    ],
    { discord: { token: TOKEN, apiBase: sandbox.apiBase, publicKey, ...extra } },
  );
}

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off' });
  target = await startTarget((req, res) => {
    const interaction = JSON.parse(req.body) as { channel_id: string; member: { user: { id: string } } };
    replyJson(res, 200, {
      action: 'SEND_MESSAGE_TO_CHANNEL',
      parameters: { channel_id: interaction.channel_id, message: `Hello, <@${interaction.member.user.id}>!` },
    });
  });
  const application = (await (await fetch(`${sandbox.url}/__sandbox/applications/${BOT_ID}`)).json()) as { public_key: string };
  publicKey = application.public_key;
  api = new DiscordRestClient({ apiBase: sandbox.apiBase, token: TOKEN });
  io = createMemoryIo({ cwd: process.cwd() });
  runtime = await startRuntime({
    manifest: testManifest(),
    api,
    createGateway: (options) => new GatewayClient(options),
    port: 0,
    io,
  });
});

afterAll(async () => {
  await runtime?.stop();
  await api?.close();
  await target?.close();
  await sandbox?.close();
});

describe('slash commands through the sandbox and the runtime', () => {
  it('cordform apply registers the declared slash commands (bulk overwrite)', async () => {
    const workspace = await cliWorkspace(sandbox);
    try {
      const file = await workspace.write(
        'cordform.yaml',
        [
          'version: 1',
          'discord:',
          '  token: ${DISCORD_BOT_TOKEN}',
          `  api_base: ${sandbox.apiBase}`,
          `  public_key: "${publicKey}"`,
          'guilds:',
          `  - id: "${GUILD_ID}"`,
          '    commands:',
          '      - name: hello',
          '        prefix: false',
          '        slash: { description: Say hello }',
          '        actions: [{ type: HTTP_POST, url: "http://127.0.0.1:1/unused" }]',
          '      - name: echo',
          '        slash:',
          '          description: Echo',
          '          options: [{ type: string, name: text, description: What to say, required: true }]',
          '        actions: [{ type: SEND_MESSAGE_TO_CHANNEL, message: "x" }]',
          '      - name: elsewhere',
          '        slash: { description: "Posts in #deploys" }',
          '        actions: [{ type: SEND_MESSAGE_TO_CHANNEL, message: "x" }]',
          '      - name: mods',
          '        slash: { description: Moderators only }',
          '        actions: [{ type: SEND_MESSAGE_TO_CHANNEL, message: "x" }]',
          '      - name: purge',
          '        prefix: false',
          '        slash: { description: Delete messages }',
          '        permissions: [MANAGE_MESSAGES, KICK_MEMBERS]',
          '        nsfw: true',
          '        actions: [{ type: SEND_MESSAGE_TO_CHANNEL, message: "x" }]',
          '',
        ].join('\n'),
      );
      const applied = await workspace.run(['apply', '-f', file, '--auto-approve']);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain('sync slash commands');
      // Converged: the next plan has nothing to do.
      const again = await workspace.run(['plan', '-f', file, '--detailed-exitcode']);
      expect(again.code, again.stdout).toBe(0);
    } finally {
      await workspace.cleanup();
    }
    const live = await api.getGuildCommands(BOT_ID, GUILD_ID);
    expect(live.map((c) => c.name).sort()).toEqual(['echo', 'elsewhere', 'hello', 'mods', 'purge']);
    // The inhibitors also limit who Discord offers the command to: MANAGE_MESSAGES | KICK_MEMBERS.
    expect(live.find((c) => c.name === 'purge')).toMatchObject({ default_member_permissions: '8194', nsfw: true });
    expect(live.find((c) => c.name === 'hello')).toMatchObject({ default_member_permissions: null, nsfw: false });
    // A command the manifest does not declare (registered by hand) to test "Unknown command".
    await sandboxCommand('ghost');
  });

  it('a signed slash command is deferred, reaches the HTTP_POST target, and its reply is the @original edit', async () => {
    const before = target.received.length;
    const result = await sendInteraction({ guild_id: GUILD_ID, channel_id: GENERAL, user_id: HUMAN_ID, command: 'hello' });
    expect(result.response).toMatchObject({ status: 200, body: { type: 5 } });
    await eventually(() => target.received.length > before);
    const delivered = target.received[before]!;
    expect(delivered.headers).toMatchObject({
      'x-cloudcord-botid': BOT_ID,
      'x-cloudcord-emitter': 'command:hello',
      'x-cloudcord-apibase': runtime.publicUrl,
      'content-type': 'application/json',
    });
    expect(delivered.headers['user-agent']).toMatch(/^cordform\//);
    const payload = JSON.parse(delivered.body);
    expect(payload).toMatchObject({ id: result.interaction.id, type: 2, data: { name: 'hello' }, member: { user: { id: HUMAN_ID } } });

    await eventually(async () => (await channelMessages(GENERAL)).some((m) => m.content === `Hello, <@${HUMAN_ID}>!`), 10_000);
    const original = await fetch(`${sandbox.apiBase}/webhooks/${BOT_ID}/${result.interaction.token}/messages/@original`);
    expect(original.status).toBe(200);
    expect(await original.json()).toMatchObject({
      content: `Hello, <@${HUMAN_ID}>!`,
      author: { id: BOT_ID },
      webhook_id: BOT_ID,
      interaction_metadata: { id: result.interaction.id, name: 'hello' },
    });
  });

  it('templates use member.user and the options; the second message is a follow-up', async () => {
    const result = await sendInteraction({
      guild_id: GUILD_ID,
      channel_id: GENERAL,
      user_id: HUMAN_ID,
      command: 'echo',
      options: { text: 'hi there' },
    });
    expect(result.response.body).toEqual({ type: 5 });
    await eventually(async () => {
      const state = await interactionState(result.interaction.id);
      return state.original?.content === `${HUMAN_ID} said hi there` && state.followups.length === 1;
    });
    const state = await interactionState(result.interaction.id);
    expect(state.followups[0].content).toBe('and again: /echo hi there');
    const contents = (await channelMessages(GENERAL)).map((m) => m.content);
    expect(contents).toEqual(expect.arrayContaining([`${HUMAN_ID} said hi there`, 'and again: /echo hi there']));
  });

  it('a message for another channel is a plain bot message; the interaction gets "Done."', async () => {
    const result = await sendInteraction({ guild_id: GUILD_ID, channel_id: GENERAL, user_id: HUMAN_ID, command: 'elsewhere' });
    expect(result.response.body).toEqual({ type: 5 });
    await eventually(async () => (await channelMessages(DEPLOYS)).some((m) => m.content === 'posted elsewhere'));
    await eventually(async () => {
      const state = await interactionState(result.interaction.id);
      return state.original?.content === 'Done.';
    });
  });

  it('inhibitors apply: a member without the role gets an ephemeral refusal', async () => {
    const result = await sendInteraction({ guild_id: GUILD_ID, channel_id: GENERAL, user_id: HUMAN_ID, command: 'mods' });
    expect(result.response.body).toEqual({ type: 4, data: { content: 'You cannot use this command here.', flags: 64 } });
    expect((await channelMessages(GENERAL)).some((m) => m.content === 'secret')).toBe(false);
  });

  it('a registered command the manifest does not declare gets an ephemeral "Unknown command"', async () => {
    const result = await sendInteraction({ guild_id: GUILD_ID, channel_id: GENERAL, user_id: HUMAN_ID, command: 'ghost' });
    expect(result.response).toMatchObject({ status: 200, body: { type: 4, data: { content: 'Unknown command', flags: 64 } } });
    // Ephemeral: kept with the interaction, never in the channel.
    const state = await interactionState(result.interaction.id);
    expect(state.ephemeral).toBe(true);
  });

  it('PING → PONG', async () => {
    const result = await sendInteraction({ type: 1 });
    expect(result.response).toMatchObject({ status: 200, body: { type: 1 } });
  });

  it('a forged signature, a stale timestamp and a missing signature → 401, nothing runs', async () => {
    const before = target.received.length;
    const base = { guild_id: GUILD_ID, channel_id: GENERAL, user_id: HUMAN_ID, command: 'hello' };
    expect((await sendInteraction({ ...base, signature: 'wrong_key' })).response.status).toBe(401);
    expect((await sendInteraction({ ...base, stale: true })).response.status).toBe(401);
    expect((await sendInteraction({ ...base, signature: 'none' })).response.status).toBe(401);
    expect((await sendInteraction({ ...base, timestamp: Math.floor(Date.now() / 1000) + 600 })).response.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(target.received.length).toBe(before);
  });

  it('a replayed interaction (same bytes, same signature) is refused and not executed twice', async () => {
    const before = target.received.length;
    const first = await sendInteraction({ guild_id: GUILD_ID, channel_id: GENERAL, user_id: HUMAN_ID, command: 'hello' });
    expect(first.response.status).toBe(200);
    await eventually(() => target.received.length === before + 1);
    const replayed = await sendInteraction({ replay: first.interaction.id });
    expect(replayed.response.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(target.received.length).toBe(before + 1);
  });

  it('a full replay guard answers 503 instead of forgetting: an id it holds is still a replay', async () => {
    const fullIo = createMemoryIo({ cwd: process.cwd() });
    const client = new DiscordRestClient({ apiBase: sandbox.apiBase, token: TOKEN });
    const small = await startRuntime({
      manifest: testManifest(),
      api: client,
      createGateway: (options) => new GatewayClient(options),
      port: 0,
      io: fullIo,
      replayGuardSize: 1,
    });
    try {
      const url = `http://127.0.0.1:${small.port}/interactions`;
      const first = await sendInteraction({ url, type: 1 });
      expect(first.response.status).toBe(200);
      expect((await sendInteraction({ url, type: 1 })).response.status).toBe(503);
      expect((await sendInteraction({ url, replay: first.interaction.id })).response.status).toBe(401);
      const text = await (await fetch(`http://127.0.0.1:${small.port}/metrics`)).text();
      expect(text).toMatch(/cordform_events_total\{event="interaction",result="overloaded"\} 1/);
      expect(fullIo.stdout()).toContain('the replay guard is full');
    } finally {
      await small.stop();
      await client.close();
    }
  });

  it('counts interactions in cordform_events_total', async () => {
    const text = await (await fetch(`http://127.0.0.1:${runtime.port}/metrics`)).text();
    expect(text).toMatch(/cordform_events_total\{event="interaction",result="matched"\} \d+/);
    expect(text).toMatch(/cordform_events_total\{event="interaction",result="rejected"\} [4-9]/);
    expect(text).toMatch(/cordform_events_total\{event="interaction",result="replayed"\} 1/);
    expect(text).toMatch(/cordform_events_total\{event="interaction",result="ping"\} 1/);
    expect(io.stdout()).not.toContain(TOKEN);
  });

  it('without discord.public_key, /interactions answers 503 and says why', async () => {
    const noKeyIo = createMemoryIo({ cwd: process.cwd() });
    const client = new DiscordRestClient({ apiBase: sandbox.apiBase, token: TOKEN });
    const bare = await startRuntime({
      manifest: testManifest({ publicKey: undefined }),
      api: client,
      createGateway: (options) => new GatewayClient(options),
      port: 0,
      io: noKeyIo,
    });
    try {
      const result = await sendInteraction({ url: `http://127.0.0.1:${bare.port}/interactions`, type: 1 });
      expect(result.response.status).toBe(503);
      expect(noKeyIo.stdout()).toContain('discord.public_key is not set');
    } finally {
      await bare.stop();
      await client.close();
    }
  });

  it('a correctly signed interaction for another application id → 401 with a log that names the mismatch', async () => {
    const mismatchIo = createMemoryIo({ cwd: process.cwd() });
    const client = new DiscordRestClient({ apiBase: sandbox.apiBase, token: TOKEN });
    const misconfigured = await startRuntime({
      manifest: testManifest({ applicationId: '999999999999999999' }),
      api: client,
      createGateway: (options) => new GatewayClient(options),
      port: 0,
      io: mismatchIo,
    });
    try {
      const before = target.received.length;
      const url = `http://127.0.0.1:${misconfigured.port}/interactions`;
      const result = await sendInteraction({ url, guild_id: GUILD_ID, channel_id: GENERAL, user_id: HUMAN_ID, command: 'hello' });
      expect(result.response.status).toBe(401);
      expect(mismatchIo.stdout()).toContain('discord.public_key and discord.application_id are from the same application');
      expect(mismatchIo.stdout()).toContain('"expected":"999999999999999999"');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(target.received.length).toBe(before);
    } finally {
      await misconfigured.stop();
      await client.close();
    }
  });

  it('refuses bodies over 64 KiB with 413', async () => {
    const res = await fetch(`http://127.0.0.1:${runtime.port}/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(65 * 1024),
    });
    expect(res.status).toBe(413);
  });
});

async function interactionState(id: string): Promise<any> {
  return (await fetch(`${sandbox.url}/__sandbox/interactions/${id}`)).json();
}

/** Registers one extra guild command through the real client (POST = upsert). */
async function sandboxCommand(name: string): Promise<void> {
  const res = await fetch(`${sandbox.apiBase}/applications/${BOT_ID}/guilds/${GUILD_ID}/commands`, {
    method: 'POST',
    headers: { authorization: `Bot ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, description: 'Not in the manifest' }),
  });
  expect(res.status).toBe(201);
}
