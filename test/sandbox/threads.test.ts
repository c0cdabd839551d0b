import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, type SandboxSeed } from '../../src/sandbox/server.js';
import { RawGatewayClient } from '../gateway/helpers.js';
import { BOT, createWebhook, DEPLOYS, GENERAL, GUILD_ID, OTHER_BOT, startTestSandbox, USER_ID, useTestSandbox } from './helpers.js';

/**
 * Threads and forum channels (https://discord.com/developers/docs/topics/threads), and
 * webhooks posting into them with `thread_id` / `thread_name` and Discord's 220001–220004.
 */
const FORUM = '100000000000000006';

function seed(): SandboxSeed {
  const base = structuredClone(DEFAULT_SEED) as SandboxSeed;
  base.guilds[0]!.channels.push({ id: FORUM, name: 'ideas', type: 15 });
  return base;
}

const { sandbox, api } = useTestSandbox({ seed: seed() });

const startThread = (channel: string, body: Record<string, unknown>, as = api) => as.post(`/channels/${channel}/threads`, body);

describe('threads of a text channel', () => {
  it('without a message: private by default, the creator a member; THREAD_CREATE; messages go into it', async () => {
    const gateway = await RawGatewayClient.connect(sandbox.gatewayUrl);
    await gateway.identify(BOT.token);
    try {
      const created = await startThread(GENERAL, { name: '  incident-42  ' });
      expect(created.status).toBe(201);
      const thread = created.body;
      expect(thread).toMatchObject({
        type: 12,
        name: 'incident-42',
        parent_id: GENERAL,
        guild_id: GUILD_ID,
        owner_id: BOT.id,
        message_count: 0,
        thread_metadata: { archived: false, locked: false, auto_archive_duration: 4320, invitable: true },
        member: { id: thread.id, user_id: BOT.id },
      });
      expect((await gateway.next((f) => f.t === 'THREAD_CREATE')).d).toMatchObject({ id: thread.id, newly_created: true, type: 12 });
      const posted = await api.post(`/channels/${thread.id}/messages`, { content: 'in the thread' });
      expect(posted.body).toMatchObject({ channel_id: thread.id, guild_id: GUILD_ID });
      expect((await api.get(`/channels/${thread.id}`)).body).toMatchObject({ message_count: 1, total_message_sent: 1, last_message_id: posted.body.id });
      expect((await api.get(`/channels/${thread.id}/messages`)).body.map((m: any) => m.content)).toEqual(['in the thread']);
      expect((await api.get(`/channels/${GENERAL}/messages`)).body).toEqual([]);
    } finally {
      gateway.close();
    }
  });

  it('a private thread is hidden from a bot that is not in it (50001); a public one is not', async () => {
    const other = api.as(OTHER_BOT.token);
    const secret = (await startThread(GENERAL, { name: 'secret' })).body;
    expect(await other.get(`/channels/${secret.id}`)).toMatchObject({ status: 403, body: { code: 50001 } });
    const open = (await startThread(GENERAL, { name: 'open', type: 11 })).body;
    expect((await other.get(`/channels/${open.id}`)).body).toMatchObject({ type: 11, name: 'open' });
    expect((await other.get(`/channels/${open.id}`)).body).not.toHaveProperty('member');
  });

  it('from a message: the thread has the message\'s id, the message gets HAS_THREAD; only once (160004)', async () => {
    const message = (await api.admin('POST', '/messages', { channel_id: GENERAL, author_id: USER_ID, content: 'discuss?' })).body;
    const created = await api.post(`/channels/${GENERAL}/messages/${message.id}/threads`, { name: 'discussion' });
    expect(created).toMatchObject({ status: 201, body: { id: message.id, type: 11, parent_id: GENERAL } });
    expect((await api.get(`/channels/${GENERAL}/messages/${message.id}`)).body.flags & (1 << 5)).toBe(1 << 5);
    expect(await api.post(`/channels/${GENERAL}/messages/${message.id}/threads`, { name: 'again' })).toMatchObject({
      status: 400,
      body: { code: 160004, message: 'A thread has already been created for this message' },
    });
    expect((await api.post(`/channels/${GENERAL}/messages/123456789012345678/threads`, { name: 'x' })).body.code).toBe(10008);
  });

  it('validates name, auto_archive_duration and type', async () => {
    const bad = await startThread(GENERAL, { name: ' ', auto_archive_duration: 30, type: 0 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['auto_archive_duration', 'name', 'type']);
    expect(bad.body.errors.name._errors[0].code).toBe('BASE_TYPE_BAD_LENGTH');
    expect(await startThread(FORUM, { name: 'x', type: 12, message: { content: 'y' } })).toMatchObject({ status: 201 });
    const thread = (await startThread(GENERAL, { name: 't' })).body;
    expect(await startThread(thread.id, { name: 'nested' })).toMatchObject({ status: 400, body: { code: 50024 } });
  });
});

describe('forum channels', () => {
  it('a post is a public thread whose first message shares its id', async () => {
    const created = await startThread(FORUM, { name: 'Idea: dark mode', message: { content: 'Please add it' } });
    expect(created.status).toBe(201);
    const post = created.body;
    expect(post).toMatchObject({ type: 11, parent_id: FORUM, owner_id: BOT.id, message_count: 1, message: { id: post.id, channel_id: post.id, content: 'Please add it' } });
    expect((await startThread(FORUM, { name: 'x' })).body.errors.message._errors[0].code).toBe('BASE_TYPE_REQUIRED');
    expect((await startThread(FORUM, { name: 'x', message: { content: 5 } })).body.errors.message.content._errors[0].code).toBe('BASE_TYPE_STRING');
    expect((await startThread(FORUM, { name: 'x', message: {} })).body.code).toBe(50006);
    expect(await api.post(`/channels/${FORUM}/messages`, { content: 'not a post' })).toMatchObject({ status: 400, body: { code: 40058 } });
  });
});

describe('webhooks and threads', () => {
  const execute = (hook: any, body: Record<string, unknown>, query = '') => api.as(null).post(`/webhooks/${hook.id}/${hook.token}?wait=true${query}`, body);

  it('thread_id posts into a thread of the webhook\'s channel; another channel\'s thread is 10003', async () => {
    const hook = await createWebhook(api, GENERAL, 'Threads');
    const thread = (await startThread(GENERAL, { name: 'builds', type: 11 })).body;
    const sent = await execute(hook, { content: 'build #1 ok' }, `&thread_id=${thread.id}`);
    expect(sent.body).toMatchObject({ channel_id: thread.id, webhook_id: hook.id });
    const path = `/webhooks/${hook.id}/${hook.token}/messages/${sent.body.id}`;
    expect((await api.as(null).get(path)).status).toBe(404);
    expect((await api.as(null).get(`${path}?thread_id=${thread.id}`)).body.id).toBe(sent.body.id);
    const elsewhere = (await startThread(DEPLOYS, { name: 'other', type: 11 })).body;
    expect(await execute(hook, { content: 'x' }, `&thread_id=${elsewhere.id}`)).toMatchObject({ status: 404, body: { code: 10003 } });
    expect((await execute(hook, { content: 'x' }, '&thread_id=abc')).body.errors.thread_id._errors[0].code).toBe('NUMBER_TYPE_COERCE');
    expect(await execute(hook, { content: 'x', thread_name: 'new' })).toMatchObject({
      status: 400,
      body: { code: 220003, message: 'Webhooks can only create threads in forum channels' },
    });
  });

  it('a forum webhook needs thread_name (a new post) or thread_id, not both; services are refused (220001, 220002, 220004)', async () => {
    const hook = await createWebhook(api, FORUM, 'Forum hook');
    expect(await execute(hook, { content: 'x' })).toMatchObject({ status: 400, body: { code: 220001, message: 'Webhooks posted to forum channels must have a thread_name or thread_id' } });
    const post = await execute(hook, { content: 'first', thread_name: 'Release 1.2' });
    expect(post.status).toBe(200);
    const thread = (await api.get(`/channels/${post.body.channel_id}`)).body;
    expect(thread).toMatchObject({ id: post.body.id, type: 11, parent_id: FORUM, owner_id: hook.id, name: 'Release 1.2' });
    expect((await execute(hook, { content: 'second' }, `&thread_id=${thread.id}`)).body.channel_id).toBe(thread.id);
    expect(await execute(hook, { content: 'x', thread_name: 'y' }, `&thread_id=${thread.id}`)).toMatchObject({
      status: 400,
      body: { code: 220002, message: 'Webhooks posted to forum channels cannot have both a thread_name and thread_id' },
    });
    const slack = await api.as(null).post(`/webhooks/${hook.id}/${hook.token}/slack`, { text: 'hi' });
    expect(slack).toMatchObject({ status: 400, body: { code: 220004, message: 'Webhook services cannot be used in forum channels' } });
  });

  it('the Slack-compatible route answers `ok` and posts text and attachments', async () => {
    const hook = await createWebhook(api, GENERAL, 'Slack');
    const res = await fetch(`${sandbox.apiBase}/webhooks/${hook.id}/${hook.token}/slack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'deployed', username: 'ci', attachments: [{ title: 'v1.2', color: 'good', fields: [{ title: 'env', value: 'prod', short: true }] }] }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    const [message] = (await api.admin('GET', `/channels/${GENERAL}/messages`)).body;
    expect(message).toMatchObject({ content: 'deployed', author: { username: 'ci' }, embeds: [{ type: 'rich', title: 'v1.2', color: 0x2eb886, fields: [{ name: 'env', value: 'prod', inline: true }] }] });
  });
});

describe('threads and --state', () => {
  it('threads and their messages survive a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cordform-threads-'));
    try {
      const statePath = join(dir, 'state.json');
      const first = await startTestSandbox({ seed: seed(), statePath });
      const post = (await first.api.post(`/channels/${FORUM}/threads`, { name: 'kept', message: { content: 'hello' } })).body;
      await first.sandbox.close();
      const second = await startTestSandbox({ statePath });
      try {
        expect((await second.api.get(`/channels/${post.id}`)).body).toMatchObject({ name: 'kept', parent_id: FORUM, total_message_sent: 1 });
        expect((await second.api.get(`/channels/${post.id}/messages/${post.id}`)).body.content).toBe('hello');
      } finally {
        await second.sandbox.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
