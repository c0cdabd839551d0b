import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CordformError } from '../../src/errors.js';
import { isDiscordApiError } from '../../src/discord/discord-api-error.js';
import { DEFAULT_USER_AGENT, DiscordRestClient } from '../../src/discord/rest-client.js';
import { startPeer, type Peer, type PeerReply, type PeerRequest } from './support/discord-peer.js';

/** What goes over the wire for each DiscordApi method, and what comes back. */
const TOKEN = 'bot-token-for-tests-0123456789';
const WEBHOOK_TOKEN = 'webhook-secret-AbCdEf0123456789';
const CH = '100000000000000002';
const GUILD = '100000000000000001';

let peer: Peer;
let api: DiscordRestClient;
let script: ((r: PeerRequest) => PeerReply | undefined) | undefined;

beforeAll(async () => {
  peer = await startPeer({ respond: (r) => script?.(r) });
  api = new DiscordRestClient({ apiBase: `${peer.apiBase}/`, token: TOKEN, maxRetries: 0 });
});
afterAll(async () => {
  await api.close();
  await peer.close();
});

const last = (): PeerRequest => {
  const r = peer.requests.at(-1);
  if (!r) throw new Error('no request');
  return r;
};

describe('DiscordApi methods', () => {
  it('map to Discord paths, methods and bodies', async () => {
    script = undefined;
    const calls: [() => Promise<unknown>, string, string][] = [
      [() => api.getCurrentUser(), 'GET', '/users/@me'],
      [() => api.getGatewayBot(), 'GET', '/gateway/bot'],
      [() => api.getGuild(GUILD), 'GET', `/guilds/${GUILD}`],
      [() => api.getGuildChannels(GUILD), 'GET', `/guilds/${GUILD}/channels`],
      [() => api.getGuildMember(GUILD, '5'), 'GET', `/guilds/${GUILD}/members/5`],
      [() => api.getGuildWebhooks(GUILD), 'GET', `/guilds/${GUILD}/webhooks`],
      [() => api.getChannelWebhooks(CH), 'GET', `/channels/${CH}/webhooks`],
      [() => api.getWebhook('6'), 'GET', '/webhooks/6'],
      [() => api.createWebhook(CH, { name: 'Deploys', avatar: null }), 'POST', `/channels/${CH}/webhooks`],
      [() => api.modifyWebhook('6', { channel_id: CH }), 'PATCH', '/webhooks/6'],
      [() => api.createMessage(CH, { content: 'hi' }), 'POST', `/channels/${CH}/messages`],
      [() => api.getGuildCommands('8', GUILD), 'GET', `/applications/8/guilds/${GUILD}/commands`],
      [() => api.bulkOverwriteGuildCommands('8', GUILD, [{ name: 'ping', description: 'p' }]), 'PUT', `/applications/8/guilds/${GUILD}/commands`],
    ];
    for (const [call, method, path] of calls) {
      await call();
      expect(`${last().method} ${last().path}`).toBe(`${method} ${path}`);
      expect(last().headers.authorization).toBe(`Bot ${TOKEN}`);
      expect(last().headers['user-agent']).toBe(DEFAULT_USER_AGENT);
    }
    expect(DEFAULT_USER_AGENT).toMatch(/^DiscordBot \(https:\/\/github\.com\/cordform\/cordform, \d+\.\d+\.\d+\) cordform$/);
    await api.getGuildAuditLog(GUILD, { action_type: 51, limit: 100 });
    expect(`${last().method} ${last().path}`).toBe(`GET /guilds/${GUILD}/audit-logs`);
    expect(Object.fromEntries(last().query)).toEqual({ action_type: '51', limit: '100' });
    await api.createWebhook(CH, { name: 'Deploys' });
    expect(JSON.parse(last().body)).toEqual({ name: 'Deploys' });
    expect(last().headers['content-type']).toBe('application/json');
  });

  it('sends webhook-token and interaction routes without Authorization', async () => {
    script = (r) => (r.path.endsWith('/callback') ? { status: 204 } : undefined);
    await api.executeWebhook('6', WEBHOOK_TOKEN, { content: 'hello', username: 'bot' });
    expect(last().path).toBe(`/webhooks/6/${WEBHOOK_TOKEN}`);
    expect(last().query.get('wait')).toBe('true');
    expect(last().headers.authorization).toBeUndefined();
    await expect(api.createInteractionResponse('9', 'itok-0123456789', { type: 4, data: { content: 'x' } })).resolves.toBeUndefined();
    expect(`${last().method} ${last().path}`).toBe('POST /interactions/9/itok-0123456789/callback');
    expect(last().headers.authorization).toBeUndefined();
    await api.editOriginalInteractionResponse('8', 'itok-0123456789', { content: 'edit' });
    expect(`${last().method} ${last().path}`).toBe('PATCH /webhooks/8/itok-0123456789/messages/@original');
    await api.createFollowupMessage('8', 'itok-0123456789', { content: 'more' });
    expect(`${last().method} ${last().path}`).toBe('POST /webhooks/8/itok-0123456789');
    expect(last().headers.authorization).toBeUndefined();
  });

  it('sends the reason URI-encoded in X-Audit-Log-Reason', async () => {
    script = undefined;
    const reason = 'cordform apply — déploiement #42 (a&b)';
    await api.modifyWebhook('6', { name: 'x' }, { reason });
    const header = last().headers['x-audit-log-reason'];
    expect(header).toBe(encodeURIComponent(reason));
    expect(decodeURIComponent(String(header))).toBe(reason);
    await api.getWebhook('6');
    expect(last().headers['x-audit-log-reason']).toBeUndefined();
  });

  it('answers 204 with undefined', async () => {
    script = () => ({ status: 204 });
    await expect(api.deleteWebhook('6')).resolves.toBeUndefined();
    expect(last().method).toBe('DELETE');
  });
});

describe('errors', () => {
  it('a DELETE of an unknown webhook is a DiscordApiError with code 10015', async () => {
    script = () => ({ status: 404, body: { message: 'Unknown Webhook', code: 10015 } });
    const error = await api.deleteWebhook('6').catch((e: unknown) => e);
    expect(isDiscordApiError(error, 10015)).toBe(true);
    expect(error).toMatchObject({ status: 404, method: 'DELETE', route: '/webhooks/6', fault: 'user' });
  });

  it('flattens Discord validation errors into the message', async () => {
    script = () => ({
      status: 400,
      body: {
        code: 50035,
        message: 'Invalid Form Body',
        errors: { name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 80 in length.' }] } },
      },
    });
    const error = await api.createWebhook(CH, { name: '' }).catch((e: unknown) => e);
    expect(isDiscordApiError(error, 50035)).toBe(true);
    expect((error as Error).message).toBe(
      `Discord API 400 on POST /channels/${CH}/webhooks: Invalid Form Body (code 50035)\n` +
        '  name: Must be between 1 and 80 in length. (BASE_TYPE_BAD_LENGTH)',
    );
  });

  it('never puts a bot or webhook token into an error', async () => {
    script = (r) => ({
      status: 400,
      body: { code: 50006, message: `bad request for ${r.path} with ${String(r.headers.authorization)} and ${r.body}` },
    });
    const errors = [
      await api.executeWebhook('6', WEBHOOK_TOKEN, { content: 'x' }).catch((e: unknown) => e),
      await api.getCurrentUser().catch((e: unknown) => e),
      await api.editOriginalInteractionResponse('8', WEBHOOK_TOKEN, { content: 'x' }).catch((e: unknown) => e),
    ];
    for (const error of errors) {
      const text = `${(error as Error).message} ${JSON.stringify(error)}`;
      expect(error).toBeInstanceOf(CordformError);
      expect(text).not.toContain(WEBHOOK_TOKEN);
      expect(text).not.toContain(TOKEN);
    }
    expect((errors[0] as Error).message).toContain('/webhooks/6/:token');
  });

  it('refuses invalid JSON and oversized bodies as discord_bad_response', async () => {
    script = () => ({ status: 200, raw: '{"id": ' });
    await expect(api.getWebhook('6')).rejects.toMatchObject({ code: 'discord_bad_response', fault: 'remote' });
    const small = new DiscordRestClient({ apiBase: peer.apiBase, token: TOKEN, maxResponseBytes: 1024 });
    script = () => ({ status: 200, body: { blob: 'x'.repeat(5000) } });
    await expect(small.getWebhook('6')).rejects.toMatchObject({ code: 'discord_bad_response' });
    await small.close();
  });

  it('an error status with a non-JSON body is still a DiscordApiError', async () => {
    script = () => ({ status: 403, raw: '<html>forbidden</html>' });
    await expect(api.getGuild(GUILD)).rejects.toMatchObject({ status: 403, code: 'discord_api_error', discordCode: undefined });
  });
});
