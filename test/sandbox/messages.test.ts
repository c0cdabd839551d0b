import { describe, expect, it } from 'vitest';
import { PERMISSION_BITS as P } from '../../src/discord/permissions.js';
import { DEFAULT_SEED, type SandboxSeed } from '../../src/sandbox/server.js';
import { RawGatewayClient } from '../gateway/helpers.js';
import { BOT, GENERAL, GUILD_ID, OTHER_BOT, USER_ID, useTestSandbox } from './helpers.js';

/**
 * Channel messages as Discord has them (https://discord.com/developers/docs/resources/message):
 * get / edit / delete one, replies, allowed_mentions, embed limits, reactions, typing, and
 * the reads a bot makes (channel, roles, application, guilds).
 */
const NO_REACT = '100000000000000004';
const NO_HISTORY = '100000000000000005';
const FORUM = '100000000000000006';
const CATEGORY = '100000000000000007';
const NO_EVERYONE = '100000000000000008';
const MENTIONABLE = '100000000000000040';
const PLAIN_ROLE = '100000000000000041';
const deny = (bits: bigint) => [{ id: BOT.id, type: 1 as const, allow: '0', deny: bits.toString() }];

function seed(): SandboxSeed {
  const base = structuredClone(DEFAULT_SEED) as SandboxSeed;
  const guild = base.guilds[0]!;
  guild.roles = [
    { id: MENTIONABLE, name: 'oncall', permissions: '0', mentionable: true },
    { id: PLAIN_ROLE, name: 'quiet', permissions: '0' },
  ];
  guild.channels.push(
    { id: NO_REACT, name: 'no-react', permission_overwrites: deny(P.ADD_REACTIONS) },
    { id: NO_HISTORY, name: 'no-history', permission_overwrites: deny(P.READ_MESSAGE_HISTORY) },
    { id: FORUM, name: 'forum', type: 15 },
    { id: CATEGORY, name: 'category', type: 4 },
    { id: NO_EVERYONE, name: 'no-everyone', permission_overwrites: deny(P.MENTION_EVERYONE) },
  );
  return base;
}

const { sandbox, api } = useTestSandbox({ seed: seed() });
const other = api.as(OTHER_BOT.token);

const path = (channel: string, message?: string) => `/channels/${channel}/messages${message ? `/${message}` : ''}`;
const send = (body: Record<string, unknown>, channel = GENERAL, as = api) => as.post(path(channel), body);
async function userMessage(content: string, channel = GENERAL): Promise<any> {
  return (await api.admin('POST', '/messages', { channel_id: channel, author_id: USER_ID, content })).body;
}
const formError = (errors: unknown) => ({ status: 400, body: { code: 50035, message: 'Invalid Form Body', errors } });

describe('reads a bot makes', () => {
  it('GET /channels/{id}: the channel; 10003 for an unknown one', async () => {
    const res = await api.get(`/channels/${GENERAL}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: GENERAL, type: 0, guild_id: GUILD_ID, name: 'general', last_message_id: null, permission_overwrites: [] });
    const sent = (await send({ content: 'x' })).body;
    expect((await api.get(`/channels/${GENERAL}`)).body.last_message_id).toBe(sent.id);
    expect(await api.get('/channels/123456789012345678')).toMatchObject({ status: 404, body: { code: 10003 } });
  });

  it('GET /guilds/{id}/roles: every role by position, with `mentionable`', async () => {
    const res = await api.get(`/guilds/${GUILD_ID}/roles`);
    expect(res.body.map((role: any) => [role.id, role.name, role.mentionable])).toEqual([
      [GUILD_ID, '@everyone', false],
      [MENTIONABLE, 'oncall', true],
      [PLAIN_ROLE, 'quiet', false],
    ]);
    expect(res.body[0]).toMatchObject({ color: 0, hoist: false, managed: false, permissions: expect.stringMatching(/^\d+$/) });
    expect(await api.get('/guilds/123456789012345678/roles')).toMatchObject({ status: 404, body: { code: 10004 } });
  });

  it('GET /applications/@me and /oauth2/applications/@me: the bot\'s application, verify_key = the signing key', async () => {
    const me = await api.get('/applications/@me');
    expect(me.body).toMatchObject({ id: BOT.id, bot: { id: BOT.id, bot: true }, interactions_endpoint_url: null, team: null });
    expect((await api.get('/oauth2/applications/@me')).body).toEqual(me.body);
    const published = (await api.admin('GET', `/applications/${BOT.id}`)).body;
    expect(me.body.verify_key).toBe(published.public_key);
    expect((await api.as(null).get('/applications/@me')).status).toBe(401);
  });

  it('GET /users/@me/guilds: partial guilds with the bot\'s permissions; limit 1–200; with_counts', async () => {
    const res = await api.get('/users/@me/guilds');
    expect(res.body).toEqual([
      { id: GUILD_ID, name: 'Sandbox', icon: null, banner: null, owner: false, permissions: expect.stringMatching(/^\d+$/), features: [] },
    ]);
    expect((await api.get('/users/@me/guilds?with_counts=true')).body[0]).toMatchObject({ approximate_member_count: 3 });
    expect((await api.get(`/users/@me/guilds?after=${GUILD_ID}`)).body).toEqual([]);
    expect(await api.get('/users/@me/guilds?limit=201')).toMatchObject(formError({ limit: { _errors: [{ code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 200.' }] } }));
  });
});

describe('GET / PATCH / DELETE /channels/{id}/messages/{id}', () => {
  it('gets a message; 10008 for one that is not in that channel', async () => {
    const sent = (await send({ content: 'hello' })).body;
    expect((await api.get(path(GENERAL, sent.id))).body).toEqual(sent);
    expect(await api.get(path(NO_REACT, sent.id))).toMatchObject({ status: 404, body: { code: 10008 } });
    expect(await api.get(path(NO_HISTORY, sent.id))).toMatchObject({ status: 403, body: { code: 50013 } });
  });

  it('the author edits content (MESSAGE_UPDATE); another user\'s message is 50005, its flags need MANAGE_MESSAGES', async () => {
    const gateway = await RawGatewayClient.connect(sandbox.gatewayUrl);
    await gateway.identify(BOT.token);
    try {
      const sent = (await send({ content: 'draft' })).body;
      const edited = await api.patch(path(GENERAL, sent.id), { content: `now <@${USER_ID}>` });
      expect(edited.body).toMatchObject({ id: sent.id, content: `now <@${USER_ID}>`, mentions: [{ id: USER_ID }], edited_timestamp: expect.any(String) });
      expect((await gateway.next((f) => f.t === 'MESSAGE_UPDATE')).d).toMatchObject({ id: sent.id, content: `now <@${USER_ID}>` });

      const theirs = await userMessage('by a person');
      expect(await api.patch(path(GENERAL, theirs.id), { content: 'mine now' })).toMatchObject({
        status: 403,
        body: { code: 50005, message: 'Cannot edit a message authored by another user' },
      });
      expect(await api.patch(path(GENERAL, theirs.id), { flags: 4 })).toMatchObject({ status: 403, body: { code: 50013 } });
      expect((await api.get(path(GENERAL, theirs.id))).body).toMatchObject({ content: 'by a person', flags: 0 });
    } finally {
      gateway.close();
    }
  });

  it('the author deletes (MESSAGE_DELETE, then 10008); another user\'s message needs MANAGE_MESSAGES', async () => {
    const gateway = await RawGatewayClient.connect(sandbox.gatewayUrl);
    await gateway.identify(BOT.token);
    try {
      const sent = (await send({ content: 'bye' })).body;
      expect((await api.delete(path(GENERAL, sent.id))).status).toBe(204);
      expect((await gateway.next((f) => f.t === 'MESSAGE_DELETE')).d).toEqual({ id: sent.id, channel_id: GENERAL, guild_id: GUILD_ID });
      expect(await api.get(path(GENERAL, sent.id))).toMatchObject({ status: 404, body: { code: 10008 } });
      expect((await api.delete(path(GENERAL, sent.id))).body.code).toBe(10008);
      const theirs = await userMessage('keep me');
      expect(await api.delete(path(GENERAL, theirs.id))).toMatchObject({ status: 403, body: { code: 50013 } });
    } finally {
      gateway.close();
    }
  });

  it('without READ_MESSAGE_HISTORY the list is empty rather than refused', async () => {
    await userMessage('hidden history', NO_HISTORY);
    expect(await api.get(path(NO_HISTORY))).toMatchObject({ status: 200, body: [] });
  });

  it('forum channels take posts, not messages (40058); categories take none (50008)', async () => {
    expect(await send({ content: 'x' }, FORUM)).toMatchObject({ status: 400, body: { code: 40058, message: 'Cannot send a message in a forum channel' } });
    expect(await send({ content: 'x' }, CATEGORY)).toMatchObject({ status: 400, body: { code: 50008 } });
  });

  it('echoes `nonce`; with enforce_nonce the same nonce answers the first message again', async () => {
    const first = (await send({ content: 'once', nonce: 'abc', enforce_nonce: true })).body;
    expect(first).toMatchObject({ content: 'once', nonce: 'abc' });
    const again = (await send({ content: 'twice', nonce: 'abc', enforce_nonce: true })).body;
    expect(again).toMatchObject({ id: first.id, content: 'once', nonce: 'abc' });
    expect((await api.get(path(GENERAL))).body).toHaveLength(1);
    expect((await send({ content: 'x', nonce: 'y'.repeat(26) })).body.errors.nonce._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
  });
});

describe('replies (message_reference)', () => {
  it('a reply is type 19 with message_reference and referenced_message, and pings the replied-to author by default', async () => {
    const question = await userMessage('question?');
    const reply = (await send({ content: 'answer', message_reference: { message_id: question.id } })).body;
    expect(reply).toMatchObject({
      type: 19,
      message_reference: { type: 0, channel_id: GENERAL, message_id: question.id, guild_id: GUILD_ID },
      referenced_message: { id: question.id, content: 'question?' },
      mentions: [{ id: USER_ID }],
    });
    expect((await api.get(path(GENERAL, reply.id))).body).toMatchObject({ type: 19, referenced_message: { id: question.id } });
  });

  it('allowed_mentions decides the replied-to ping: parse [] does not, replied_user: true does', async () => {
    const question = await userMessage('q');
    const quiet = (await send({ content: 'a', message_reference: { message_id: question.id }, allowed_mentions: { parse: [] } })).body;
    expect(quiet.mentions).toEqual([]);
    const pinged = (await send({ content: 'a', message_reference: { message_id: question.id }, allowed_mentions: { parse: [], replied_user: true } })).body;
    expect(pinged.mentions.map((u: any) => u.id)).toEqual([USER_ID]);
  });

  it('an unknown message is 50035 MESSAGE_REFERENCE_UNKNOWN_MESSAGE; with fail_if_not_exists false a plain message', async () => {
    const ref = { message_id: '123456789012345678' };
    expect(await send({ content: 'a', message_reference: ref })).toMatchObject(
      formError({ message_reference: { _errors: [{ code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }] } }),
    );
    const plain = (await send({ content: 'a', message_reference: { ...ref, fail_if_not_exists: false } })).body;
    expect(plain.type).toBe(0);
    expect(plain).not.toHaveProperty('message_reference');
    expect(plain).not.toHaveProperty('referenced_message');
  });

  it('another channel\'s message, a forward, no READ_MESSAGE_HISTORY, a malformed reference', async () => {
    const elsewhere = await userMessage('elsewhere', NO_REACT);
    expect((await send({ content: 'a', message_reference: { message_id: elsewhere.id, channel_id: NO_REACT } })).body.errors.message_reference._errors[0].code).toBe(
      'REPLIES_CANNOT_REFERENCE_OTHER_CHANNEL',
    );
    expect((await send({ content: 'a', message_reference: { message_id: elsewhere.id } })).body.errors.message_reference._errors[0].code).toBe(
      'MESSAGE_REFERENCE_UNKNOWN_MESSAGE',
    );
    const hidden = await userMessage('h', NO_HISTORY);
    expect(await send({ content: 'a', message_reference: { message_id: hidden.id } }, NO_HISTORY)).toMatchObject({
      status: 403,
      body: { code: 160002, message: 'Cannot reply without permission to read message history' },
    });
    expect((await send({ content: 'a', message_reference: 'x' })).body.errors.message_reference._errors[0]).toEqual({
      code: 'MODEL_TYPE_CONVERT',
      message: 'Expected an object/dictionary.',
    });
    expect((await send({ content: 'a', message_reference: { message_id: elsewhere.id, type: 1 } })).body.errors.message_reference.type).toBeDefined();
  });
});

describe('allowed_mentions on message create', () => {
  const content = `@everyone <@${USER_ID}> <@${OTHER_BOT.id}> <@&${MENTIONABLE}> <@&${PLAIN_ROLE}>`;

  it('without it everything in the content pings; with parse [] nothing does', async () => {
    expect((await send({ content })).body).toMatchObject({
      mention_everyone: true,
      mentions: [{ id: USER_ID }, { id: OTHER_BOT.id }],
      mention_roles: [MENTIONABLE, PLAIN_ROLE],
    });
    expect((await send({ content, allowed_mentions: { parse: [] } })).body).toMatchObject({ mention_everyone: false, mentions: [], mention_roles: [] });
  });

  it('parse types and id lists: only what is allowed and in the content', async () => {
    const byList = (await send({ content, allowed_mentions: { users: [OTHER_BOT.id, '100000000000000099'], roles: [PLAIN_ROLE] } })).body;
    expect(byList).toMatchObject({ mention_everyone: false, mentions: [{ id: OTHER_BOT.id }], mention_roles: [PLAIN_ROLE] });
    const byType = (await send({ content, allowed_mentions: { parse: ['everyone', 'roles'] } })).body;
    expect(byType).toMatchObject({ mention_everyone: true, mentions: [], mention_roles: [MENTIONABLE, PLAIN_ROLE] });
  });

  it('parse "users" with a users list is a 50035 (mutually exclusive); an empty list is not', async () => {
    expect(await send({ content, allowed_mentions: { parse: ['users'], users: [USER_ID] } })).toMatchObject(
      formError({
        allowed_mentions: { _errors: [{ code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', message: 'parse:["users"] and users: [ids...] are mutually exclusive.' }] },
      }),
    );
    expect((await send({ content, allowed_mentions: { parse: ['users', 'roles'], users: [] } })).status).toBe(200);
  });

  it('@everyone and unmentionable roles need MENTION_EVERYONE; mentionable roles do not', async () => {
    expect((await send({ content }, NO_EVERYONE)).body).toMatchObject({ mention_everyone: false, mention_roles: [MENTIONABLE], mentions: [{ id: USER_ID }, { id: OTHER_BOT.id }] });
  });
});

describe('embeds', () => {
  const embedErrors = async (embeds: unknown[]) => (await send({ embeds })).body;

  it('per-field limits are 50035 at the field', async () => {
    expect(await embedErrors([{ title: 't'.repeat(257) }])).toMatchObject({
      code: 50035,
      errors: { embeds: { '0': { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } } },
    });
    expect((await embedErrors([{ description: 'd'.repeat(4097) }])).errors.embeds['0'].description._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    const fields = Array.from({ length: 26 }, (_, i) => ({ name: `f${i}`, value: 'v' }));
    expect((await embedErrors([{ fields }])).errors.embeds['0'].fields._errors[0].message).toBe('Must be 25 or fewer in length.');
    expect((await embedErrors([{ fields: [{ name: 'n', value: 'v'.repeat(1025) }] }])).errors.embeds['0'].fields['0'].value._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    expect((await embedErrors([{ fields: [{ name: 'n', value: '   ' }] }])).errors.embeds['0'].fields['0'].value._errors[0]).toEqual({
      code: 'BASE_TYPE_REQUIRED',
      message: 'This field is required',
    });
    expect((await embedErrors([{ footer: { text: 'f'.repeat(2049) } }])).errors.embeds['0'].footer.text._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    expect((await embedErrors([{ author: { name: 'a'.repeat(257) } }])).errors.embeds['0'].author.name._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    expect((await embedErrors([{ url: 'ftp://x' }])).errors.embeds['0'].url._errors[0].code).toBe('URL_TYPE_INVALID_SCHEME');
    expect((await embedErrors([{ color: 0x1000000 }])).errors.embeds['0'].color._errors[0].code).toBe('NUMBER_TYPE_MAX');
  });

  it('6000 characters over all embeds of a message at most (counted after trimming); webhooks alike', async () => {
    const within = [{ description: 'a'.repeat(4000) }, { description: `  ${'b'.repeat(2000)}  ` }];
    const ok = await send({ embeds: within });
    expect(ok.status).toBe(200);
    expect(ok.body.embeds[1]).toEqual({ type: 'rich', description: 'b'.repeat(2000) });
    const over = [{ description: 'a'.repeat(4000) }, { title: 't', description: 'b'.repeat(2000) }];
    expect(await send({ embeds: over })).toMatchObject(
      formError({ embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' }] } }),
    );
    const hook = (await api.post(`/channels/${GENERAL}/webhooks`, { name: 'Embeds' })).body;
    const executed = await api.as(null).post(`/webhooks/${hook.id}/${hook.token}?wait=true`, { embeds: over });
    expect(executed.body.errors.embeds._errors[0].code).toBe('MAX_EMBED_SIZE_EXCEEDED');
  });
});

describe('reactions', () => {
  const reaction = (message: string, emoji: string, channel = GENERAL) => `${path(channel, message)}/reactions/${encodeURIComponent(emoji)}/@me`;

  it('PUT and DELETE …/reactions/{emoji}/@me: 204, shown per viewer, MESSAGE_REACTION_ADD/REMOVE once', async () => {
    const gateway = await RawGatewayClient.connect(sandbox.gatewayUrl);
    await gateway.identify(BOT.token, (1 << 0) | (1 << 9) | (1 << 10));
    try {
      const theirs = await userMessage('react to me');
      expect((await api.request('PUT', reaction(theirs.id, '👍'))).status).toBe(204);
      expect((await api.request('PUT', reaction(theirs.id, '👍'))).status).toBe(204);
      const added = await gateway.next((f) => f.t === 'MESSAGE_REACTION_ADD');
      expect(added.d).toMatchObject({ user_id: BOT.id, message_id: theirs.id, channel_id: GENERAL, guild_id: GUILD_ID, emoji: { id: null, name: '👍' }, message_author_id: USER_ID, burst: false, type: 0 });
      const seen = (await api.get(path(GENERAL, theirs.id))).body.reactions;
      expect(seen).toEqual([{ count: 1, count_details: { burst: 0, normal: 1 }, me: true, me_burst: false, emoji: { id: null, name: '👍' }, burst_colors: [] }]);
      expect((await other.get(path(GENERAL, theirs.id))).body.reactions[0]).toMatchObject({ count: 1, me: false });
      expect((await api.delete(reaction(theirs.id, '👍'))).status).toBe(204);
      expect((await gateway.next((f) => f.t === 'MESSAGE_REACTION_REMOVE')).d).toMatchObject({ user_id: BOT.id, emoji: { name: '👍' } });
      expect((await api.get(path(GENERAL, theirs.id))).body).not.toHaveProperty('reactions');
      expect(gateway.pending().filter((f) => f.t === 'MESSAGE_REACTION_ADD')).toEqual([]);
    } finally {
      gateway.close();
    }
  });

  it('10014 for what is not an emoji (the sandbox has no custom emojis); ADD_REACTIONS only for a new emoji', async () => {
    const message = await userMessage('m', NO_REACT);
    for (const emoji of ['abc', 'party:123456789012345678']) {
      expect(await api.request('PUT', reaction(message.id, emoji, NO_REACT))).toMatchObject({ status: 400, body: { code: 10014 } });
    }
    expect(await api.request('PUT', reaction(message.id, '🎉', NO_REACT))).toMatchObject({ status: 403, body: { code: 50013 } });
    expect((await other.request('PUT', reaction(message.id, '🎉', NO_REACT))).status).toBe(204);
    expect((await api.request('PUT', reaction(message.id, '🎉', NO_REACT))).status).toBe(204);
  });

  it('20 different emojis at most (30010)', async () => {
    const message = await userMessage('many');
    const emojis = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗'];
    expect(emojis).toHaveLength(20);
    for (const emoji of emojis) expect((await api.request('PUT', reaction(message.id, emoji))).status).toBe(204);
    expect(await api.request('PUT', reaction(message.id, '🤩'))).toMatchObject({ status: 400, body: { code: 30010 } });
  });
});

describe('POST /channels/{id}/typing', () => {
  it('204 and TYPING_START to sessions with GUILD_MESSAGE_TYPING only', async () => {
    const typing = await RawGatewayClient.connect(sandbox.gatewayUrl);
    await typing.identify(BOT.token, (1 << 0) | (1 << 11));
    const plain = await RawGatewayClient.connect(sandbox.gatewayUrl);
    await plain.identify(OTHER_BOT.token, 1 << 0);
    try {
      expect((await api.post(`/channels/${GENERAL}/typing`)).status).toBe(204);
      const event = await typing.next((f) => f.t === 'TYPING_START');
      expect(event.d).toMatchObject({ channel_id: GENERAL, guild_id: GUILD_ID, user_id: BOT.id, timestamp: expect.any(Number), member: { user: { id: BOT.id } } });
      expect(plain.pending().some((f) => f.t === 'TYPING_START')).toBe(false);
      expect(await api.post(`/channels/${FORUM}/typing`)).toMatchObject({ status: 400, body: { code: 40058 } });
    } finally {
      typing.close();
      plain.close();
    }
  });
});
