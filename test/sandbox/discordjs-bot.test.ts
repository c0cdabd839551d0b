import { Client, Events, GatewayIntentBits, MessageType, type Message, type TextChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { BOT, GENERAL, GUILD_ID, USER_ID } from './helpers.js';
import { eventually } from '../support/eventually.js';

/**
 * An unchanged discord.js v14 Client, written as a bot developer would, against the sandbox
 * with its default (Discord-like) rate limits: it logs in, gets a message posted through the
 * admin API, replies to it, edits, reacts to and deletes its reply, fetches the channel and
 * the guild's roles, sends typing, and sends `@everyone <@user>` with mentions suppressed.
 */
let sandbox: Sandbox;
let client: Client;

beforeAll(async () => {
  sandbox = await startSandbox({ gatewayHeartbeatMs: 1000 });
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.GuildMessageReactions],
    rest: { api: `${sandbox.url}/api` },
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(BOT.token);
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await sandbox?.close();
});

async function postAsUser(content: string): Promise<Message> {
  const received = new Promise<Message>((resolve) => {
    const listener = (message: Message) => {
      if (message.content !== content) return;
      client.off(Events.MessageCreate, listener);
      resolve(message);
    };
    client.on(Events.MessageCreate, listener);
  });
  const response = await fetch(`${sandbox.url}/__sandbox/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channel_id: GENERAL, author_id: USER_ID, content }),
  });
  expect(response.status).toBe(200);
  return received;
}

describe('an unchanged discord.js v14 bot', () => {
  it('replies, edits, reacts to and deletes its reply; then the message is gone (10008)', async () => {
    const message = await postAsUser('hello bot');
    expect(message.author.id).toBe(USER_ID);

    const reply = await message.reply('hello human');
    expect(reply.type).toBe(MessageType.Reply);
    expect(reply.reference).toMatchObject({ messageId: message.id, channelId: GENERAL, guildId: GUILD_ID });
    expect((await reply.fetchReference()).id).toBe(message.id);
    // No allowed_mentions: a reply pings the author of the message it answers.
    expect(reply.mentions.users.has(USER_ID)).toBe(true);

    const updates: string[] = [];
    client.on(Events.MessageUpdate, (_old, updated) => void updates.push(updated.content ?? ''));
    const edited = await reply.edit('hello human (edited)');
    expect(edited.content).toBe('hello human (edited)');
    expect(edited.editedTimestamp).not.toBeNull();
    expect(edited.type).toBe(MessageType.Reply);
    await eventually(() => updates.includes('hello human (edited)'), 5000, 'messageUpdate');

    const reacted = new Promise<string>((resolve) => client.once(Events.MessageReactionAdd, (reaction, user) => resolve(`${reaction.emoji.name} ${user.id}`)));
    await reply.react('👍');
    expect(await reacted).toBe(`👍 ${BOT.id}`);
    const seen = await (client.channels.cache.get(GENERAL) as TextChannel).messages.fetch({ message: reply.id, force: true });
    expect(seen.reactions.cache.get('👍')).toMatchObject({ count: 1, me: true });

    const deleted = new Promise<string>((resolve) => client.once(Events.MessageDelete, (gone) => resolve(gone.id)));
    await reply.delete();
    expect(await deleted).toBe(reply.id);
    const channel = client.channels.cache.get(GENERAL) as TextChannel;
    await expect(channel.messages.fetch({ message: reply.id, force: true })).rejects.toMatchObject({ status: 404, code: 10008 });
  });

  it('fetches the channel and the guild roles, and sends typing', async () => {
    const channel = (await client.channels.fetch(GENERAL, { force: true })) as TextChannel;
    expect(channel).toMatchObject({ id: GENERAL, name: 'general', guildId: GUILD_ID });
    const guild = client.guilds.cache.get(GUILD_ID)!;
    const roles = await guild.roles.fetch(undefined, { force: true });
    expect(roles.get(GUILD_ID)?.name).toBe('@everyone');
    await channel.sendTyping();
    expect(sandbox.requests().some((r) => r.route === 'POST /channels/:channel_id/typing' && r.status === 204)).toBe(true);
  });

  it('`@everyone <@user>` pings nobody with allowedMentions {parse: []}, and both without it', async () => {
    const channel = client.channels.cache.get(GENERAL) as TextChannel;
    const quiet = await channel.send({ content: `@everyone <@${USER_ID}>`, allowedMentions: { parse: [] } });
    expect(quiet.mentions.everyone).toBe(false);
    expect(quiet.mentions.users.size).toBe(0);
    const loud = await channel.send({ content: `@everyone <@${USER_ID}>` });
    expect(loud.mentions.everyone).toBe(true);
    expect([...loud.mentions.users.keys()]).toEqual([USER_ID]);
  });
});
