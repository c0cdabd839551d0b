import { describe, expect, it } from 'vitest';
import { PERMISSION_BITS as P } from '../../src/discord/permissions.js';
import { DEFAULT_SEED, startSandbox, type SandboxSeed } from '../../src/sandbox/server.js';
import { Api, BOT, DEPLOYS, GENERAL, GUILD_ID, OTHER_BOT, USER_ID, useTestSandbox } from './helpers.js';

/**
 * GET /guilds/{id}/audit-logs (https://discord.com/developers/docs/resources/audit-log) for
 * the webhook writes the sandbox records, and the admin API's writes as another member.
 */
const AUDITOR = '100000000000000042';
const LOCKED = '100000000000000009';
/** Not the owner (who has every permission), so overwrites apply. */
const MEMBER = '100000000000000021';

function seed(): SandboxSeed {
  const base = structuredClone(DEFAULT_SEED) as SandboxSeed;
  const guild = base.guilds[0]!;
  guild.roles = [{ id: AUDITOR, name: 'auditor', permissions: P.VIEW_AUDIT_LOG.toString() }];
  base.users!.push({ id: MEMBER, username: 'member' });
  guild.members = [USER_ID, MEMBER, { user_id: BOT.id, roles: [AUDITOR] }, OTHER_BOT.id];
  guild.channels.push({ id: LOCKED, name: 'locked', permission_overwrites: [{ id: MEMBER, type: 1, allow: '0', deny: P.MANAGE_WEBHOOKS.toString() }] });
  return base;
}

const { api } = useTestSandbox({ seed: seed() });

const reason = (text: string) => ({ 'X-Audit-Log-Reason': encodeURIComponent(text) });
const auditLog = (query = '', as = api) => as.get(`/guilds/${GUILD_ID}/audit-logs${query}`);

describe('GET /guilds/{id}/audit-logs', () => {
  it('needs VIEW_AUDIT_LOG (403 50013) and membership; unknown guild 10004', async () => {
    expect(await auditLog('', api.as(OTHER_BOT.token))).toMatchObject({ status: 403, body: { code: 50013 } });
    expect(await api.get('/guilds/123456789012345678/audit-logs')).toMatchObject({ status: 404, body: { code: 10004 } });
  });

  it('webhook create, update and delete with changes, reason and who; newest first; Discord\'s top-level lists', async () => {
    const hook = (await api.post(`/channels/${GENERAL}/webhooks`, { name: 'Deploys' }, reason('set up CI'))).body;
    await api.patch(`/webhooks/${hook.id}`, { name: 'Deploys 2', channel_id: DEPLOYS }, reason('renamed and moved'));
    const doomed = (await api.post(`/channels/${GENERAL}/webhooks`, { name: 'Old' })).body;
    await api.delete(`/webhooks/${doomed.id}`);
    const res = await auditLog();
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual([
      'application_commands', 'audit_log_entries', 'auto_moderation_rules', 'guild_scheduled_events', 'integrations', 'threads', 'users', 'webhooks',
    ]);
    const [deleted, created, updated, first] = res.body.audit_log_entries;
    expect(deleted).toEqual({
      id: expect.any(String),
      user_id: BOT.id,
      target_id: doomed.id,
      action_type: 52,
      changes: [
        { key: 'type', old_value: 1 },
        { key: 'channel_id', old_value: GENERAL },
        { key: 'name', old_value: 'Old' },
        { key: 'application_id', old_value: BOT.id },
      ],
    });
    expect(created).toMatchObject({ action_type: 50, target_id: doomed.id });
    expect(updated).toEqual({
      id: expect.any(String),
      user_id: BOT.id,
      target_id: hook.id,
      action_type: 51,
      changes: [
        { key: 'name', old_value: 'Deploys', new_value: 'Deploys 2' },
        { key: 'channel_id', old_value: GENERAL, new_value: DEPLOYS },
      ],
      reason: 'renamed and moved',
    });
    expect(first).toMatchObject({ action_type: 50, reason: 'set up CI', changes: expect.arrayContaining([{ key: 'name', new_value: 'Deploys' }]) });
    expect(res.body.users).toEqual([expect.objectContaining({ id: BOT.id, bot: true })]);
    // The deleted webhook is gone; the live one is shown without its token.
    expect(res.body.webhooks).toEqual([expect.objectContaining({ id: hook.id, name: 'Deploys 2', channel_id: DEPLOYS })]);
    expect(res.body.webhooks[0]).not.toHaveProperty('token');
    for (const empty of ['application_commands', 'auto_moderation_rules', 'guild_scheduled_events', 'integrations', 'threads']) {
      expect(res.body[empty]).toEqual([]);
    }
  });

  it('filters by user_id, action_type, before/after (after: oldest first) and limit', async () => {
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) ids.push((await api.post(`/channels/${GENERAL}/webhooks`, { name })).body.id);
    await api.as(OTHER_BOT.token).post(`/channels/${DEPLOYS}/webhooks`, { name: 'theirs' });
    await api.patch(`/webhooks/${ids[0]}`, { name: 'a2' });
    const all = (await auditLog()).body.audit_log_entries;
    expect(all.map((e: any) => e.action_type)).toEqual([51, 50, 50, 50, 50]);
    expect((await auditLog(`?user_id=${OTHER_BOT.id}`)).body.audit_log_entries.map((e: any) => e.user_id)).toEqual([OTHER_BOT.id]);
    expect((await auditLog('?action_type=51')).body.audit_log_entries).toHaveLength(1);
    expect((await auditLog('?action_type=1')).body.audit_log_entries).toEqual([]);
    expect((await auditLog('?limit=2')).body.audit_log_entries.map((e: any) => e.id)).toEqual([all[0].id, all[1].id]);
    expect((await auditLog(`?before=${all[1].id}&limit=2`)).body.audit_log_entries.map((e: any) => e.id)).toEqual([all[2].id, all[3].id]);
    expect((await auditLog('?after=0&limit=2')).body.audit_log_entries.map((e: any) => e.id)).toEqual([all[4].id, all[3].id]);
    expect((await auditLog(`?after=${all[2].id}`)).body.audit_log_entries.map((e: any) => e.id)).toEqual([all[1].id, all[0].id]);
  });

  it('refuses bad filters with Discord\'s 50035 errors', async () => {
    const errors = async (query: string) => (await auditLog(query)).body.errors;
    expect(await errors('?limit=0')).toEqual({ limit: { _errors: [{ code: 'NUMBER_TYPE_MIN', message: 'int value should be greater than or equal to 1.' }] } });
    expect(await errors('?limit=101')).toEqual({ limit: { _errors: [{ code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 100.' }] } });
    expect(await errors('?action_type=999')).toEqual({ action_type: { _errors: [{ code: 'ENUM_TYPE_COERCE', message: 'Value "999" is not a valid enum value.' }] } });
    expect(await errors('?action_type=x&user_id=me&before=1.5')).toEqual({
      action_type: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: 'Value "x" is not int.' }] },
      user_id: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: 'Value "me" is not snowflake.' }] },
      before: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: 'Value "1.5" is not snowflake.' }] },
    });
  });

  it('a token-route write has no user; another bot\'s write with a reason names that bot', async () => {
    const hook = (await api.post(`/channels/${GENERAL}/webhooks`, { name: 'Shared' })).body;
    await api.as(OTHER_BOT.token).patch(`/webhooks/${hook.id}`, { name: 'Renamed by other' }, reason('their idea'));
    await api.as(null).delete(`/webhooks/${hook.id}/${hook.token}`);
    const [deleted, renamed] = (await auditLog()).body.audit_log_entries;
    expect(deleted).toMatchObject({ action_type: 52, user_id: null });
    expect(renamed).toMatchObject({ action_type: 51, user_id: OTHER_BOT.id, reason: 'their idea' });
  });
});

describe('admin writes as another member', () => {
  it('a person renames, moves and deletes a webhook with a reason; the audit log names them', async () => {
    const hook = (await api.post(`/channels/${GENERAL}/webhooks`, { name: 'Managed' })).body;
    const renamed = await api.admin('PATCH', `/webhooks/${hook.id}`, { user_id: USER_ID, name: 'Hand edited', channel_id: DEPLOYS, reason: 'tidying up' });
    expect(renamed).toMatchObject({ status: 200, body: { id: hook.id, token: hook.token, name: 'Hand edited', channel_id: DEPLOYS } });
    const created = await api.admin('POST', `/channels/${GENERAL}/webhooks`, { user_id: USER_ID, name: 'By hand' });
    expect(created.body).toMatchObject({ application_id: null, user: { id: USER_ID } });
    expect((await api.admin('DELETE', `/webhooks/${created.body.id}`, { user_id: USER_ID, reason: 'oops' })).status).toBe(204);
    const log = (await auditLog(`?user_id=${USER_ID}`)).body;
    expect(log.audit_log_entries.map((e: any) => [e.action_type, e.reason])).toEqual([[52, 'oops'], [50, undefined], [51, 'tidying up']]);
    expect(log.users).toEqual([expect.objectContaining({ id: USER_ID, username: 'sandbox-user' })]);
  });

  it('needs MANAGE_WEBHOOKS where Discord would ask for it, a known user, and a user_id', async () => {
    const hook = (await api.post(`/channels/${LOCKED}/webhooks`, { name: 'Locked' })).body;
    expect(await api.admin('PATCH', `/webhooks/${hook.id}`, { user_id: MEMBER, name: 'x' })).toMatchObject({ status: 403, body: { code: 50013 } });
    expect(await api.admin('POST', `/channels/${LOCKED}/webhooks`, { user_id: MEMBER, name: 'x' })).toMatchObject({ status: 403, body: { code: 50013 } });
    expect((await api.admin('PATCH', `/webhooks/${hook.id}`, { user_id: USER_ID, name: 'the owner may' })).status).toBe(200);
    expect(await api.admin('DELETE', `/webhooks/${hook.id}`, { user_id: '123456789012345678' })).toMatchObject({ status: 404, body: { code: 10013 } });
    expect((await api.admin('DELETE', `/webhooks/${hook.id}`, {})).body.errors.user_id._errors[0].code).toBe('BASE_TYPE_REQUIRED');
  });
});

describe('rate limit', () => {
  it('the audit log has its own bucket: 5 per second per guild, then 429', async () => {
    const limited = await startSandbox({ seed: seed() });
    try {
      const client = new Api(limited);
      const first = await client.get(`/guilds/${GUILD_ID}/audit-logs`);
      const webhooks = await client.get(`/guilds/${GUILD_ID}/webhooks`);
      expect(first.headers.get('x-ratelimit-bucket')).not.toBe(webhooks.headers.get('x-ratelimit-bucket'));
      expect(first.headers.get('x-ratelimit-limit')).toBe('5');
      for (let i = 0; i < 4; i += 1) expect((await client.get(`/guilds/${GUILD_ID}/audit-logs`)).status).toBe(200);
      expect(await client.get(`/guilds/${GUILD_ID}/audit-logs`)).toMatchObject({ status: 429, body: { global: false } });
    } finally {
      await limited.close();
    }
  });
});
