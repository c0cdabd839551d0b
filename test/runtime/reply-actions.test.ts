import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { authorizeReplyAction, parseReplyAction, type ReplyAction } from '../../src/runtime/reply-actions.js';
import { DEPLOYS, GENERAL, GUILD_ID, OTHER_GUILD_CHANNEL, command, guild, thirdParty, webhook } from './fixtures.js';
import { fuzzRuns } from '../support/fuzz.js';

const SINK = 'https://im.example.com/webhookUrl';
const g = guild([command('ticket', [thirdParty(SINK, 'im-token-123456')])], {
  webhooks: [webhook('Deploys'), webhook('Twice', GENERAL), webhook('Twice', DEPLOYS)],
});
const scope = { guild: g, isGuildChannel: (id: string) => id === GENERAL || id === DEPLOYS, commandSinks: [] };

function valid(body: unknown): ReplyAction {
  const parsed = parseReplyAction(JSON.stringify(body));
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.reply;
}

describe('parseReplyAction', () => {
  it("accepts CloudCord's SEND_MESSAGE_TO_CHANNEL reply", () => {
    expect(parseReplyAction('{"action":"SEND_MESSAGE_TO_CHANNEL","parameters":{"channel_id":"579428153286590477","message":"Pong!"}}')).toEqual({
      ok: true,
      reply: { action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: '579428153286590477', message: 'Pong!' } },
    });
  });

  it('rejects invalid JSON, unknown actions and wrong shapes', () => {
    expect(parseReplyAction('{nope')).toMatchObject({ ok: false, reason: 'invalid_json' });
    expect(parseReplyAction('{"action":"HTTP_POST","parameters":{"url":"http://evil"}}')).toMatchObject({ ok: false, reason: 'invalid_action' });
    expect(parseReplyAction('{"action":"SEND_MESSAGE_TO_CHANNEL","parameters":{"channel_id":123,"message":"x"}}')).toMatchObject({ ok: false });
    expect(parseReplyAction('[]')).toMatchObject({ ok: false, reason: 'invalid_action' });
    expect(parseReplyAction('null')).toMatchObject({ ok: false, reason: 'invalid_action' });
  });

  it('has no field through which a reply could bring its own URL or token', () => {
    const withToken = { action: 'THIRD_PARTY_MESSAGE', parameters: { url: SINK, token: 'mine', user_id: '1', message: 'm' } };
    expect(parseReplyAction(JSON.stringify(withToken))).toMatchObject({ ok: false });
    const withAvatar = { action: 'EXECUTE_WEBHOOK', parameters: { webhook: 'Deploys', content: 'x', avatar_url: 'http://x' } };
    expect(parseReplyAction(JSON.stringify(withAvatar))).toMatchObject({ ok: false });
    const withHookUrl = { action: 'EXECUTE_WEBHOOK', parameters: { webhook: 'https://discord.com/api/webhooks/1/abc', content: 'x' } };
    expect(authorizeReplyAction(valid(withHookUrl), scope)).toMatchObject({ ok: false });
  });

  it('never throws on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))), (body) => {
        const parsed = parseReplyAction(body);
        expect(typeof parsed.ok).toBe('boolean');
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});

describe('authorizeReplyAction', () => {
  it('allows channels of the command guild only', () => {
    const inGuild = valid({ action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: GENERAL, message: 'Pong!' } });
    expect(authorizeReplyAction(inGuild, scope)).toEqual({
      ok: true,
      action: { type: 'SEND_MESSAGE_TO_CHANNEL', channelId: GENERAL, message: 'Pong!' },
    });
    const outside = valid({ action: 'SEND_EMBED_TO_CHANNEL', parameters: { channel_id: OTHER_GUILD_CHANNEL, embed: { title: 't' } } });
    expect(authorizeReplyAction(outside, scope)).toEqual({ ok: false, reason: `channel ${OTHER_GUILD_CHANNEL} is not in guild ${GUILD_ID}` });
  });

  it('resolves declared webhooks by name and refuses unknown or ambiguous ones', () => {
    const ok = authorizeReplyAction(valid({ action: 'EXECUTE_WEBHOOK', parameters: { webhook: 'Deploys', content: 'shipped' } }), scope);
    expect(ok).toMatchObject({ ok: true, action: { type: 'EXECUTE_WEBHOOK', webhook: { name: 'Deploys', channel: DEPLOYS }, content: 'shipped' } });
    expect(authorizeReplyAction(valid({ action: 'EXECUTE_WEBHOOK', parameters: { webhook: 'Nope', content: 'x' } }), scope)).toMatchObject({ ok: false });
    expect(authorizeReplyAction(valid({ action: 'EXECUTE_WEBHOOK', parameters: { webhook: 'Twice', content: 'x' } }), scope)).toMatchObject({ ok: false });
  });

  it('sends third-party messages only to declared sinks, with the declared token', () => {
    const implicit = authorizeReplyAction(valid({ action: 'THIRD_PARTY_MESSAGE', parameters: { user_id: 'u1', message: 'hi' } }), scope);
    expect(implicit).toMatchObject({ ok: true, action: { url: SINK, token: 'im-token-123456', userId: 'u1', message: 'hi' } });
    const named = authorizeReplyAction(valid({ action: 'THIRD_PARTY_MESSAGE', parameters: { sink: SINK, user_id: 'u1', message: 'hi' } }), scope);
    expect(named).toMatchObject({ ok: true });
    const foreign = authorizeReplyAction(
      valid({ action: 'THIRD_PARTY_MESSAGE', parameters: { url: 'https://evil.example.com/', user_id: 'u1', message: 'hi' } }),
      scope,
    );
    expect(foreign).toEqual({ ok: false, reason: 'sink is not declared in the manifest' });
    const none = authorizeReplyAction(valid({ action: 'THIRD_PARTY_MESSAGE', parameters: { user_id: 'u', message: 'm' } }), {
      ...scope,
      guild: guild([]),
    });
    expect(none).toMatchObject({ ok: false });
  });

  it("takes the contract's IMMsg object as message, forwarded as given; empty or non-object messages are refused", () => {
    const imMsg = { type: 'card', title: 'Deploy', fields: [{ k: 'env', v: 'prod' }] };
    const reply = valid({ action: 'THIRD_PARTY_MESSAGE', parameters: { user_id: 'u1', message: imMsg } });
    expect(authorizeReplyAction(reply, scope)).toMatchObject({ ok: true, action: { url: SINK, userId: 'u1', message: imMsg } });
    for (const message of [{}, [], 42, '', null]) {
      expect(parseReplyAction(JSON.stringify({ action: 'THIRD_PARTY_MESSAGE', parameters: { user_id: 'u1', message } }))).toMatchObject({ ok: false });
    }
  });
});
