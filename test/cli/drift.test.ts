import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSION_BITS as P } from '../../src/discord/permissions.js';
import { DEFAULT_SEED, DEFAULT_USER_ID, type SandboxSeed } from '../../src/sandbox/server.js';
import {
  BOT_ID,
  DEPLOYS,
  GENERAL,
  GUILD,
  OTHER_BOT_ID,
  OTHER_BOT_TOKEN,
  manifestYaml,
  startHarness,
  type Harness,
} from '../support/cli-harness.js';

/**
 * Drift through the CLI against the sandbox: `check` and `plan` say who changed or deleted a
 * managed webhook out of band (from the guild's audit log), and apply renames a webhook
 * someone renamed in Discord back instead of replacing it — its id and URL stay.
 */
const AUDITOR_ROLE = '100000000000000041';
const WEBHOOK_ADMIN_ROLE = '100000000000000042';
const ALICE = '100000000000000021';

/** The default world plus a role that lets the cordform bot read the audit log, and a person. */
function auditSeed(options: { botReadsAuditLog: boolean }): SandboxSeed {
  const base = structuredClone(DEFAULT_SEED) as SandboxSeed;
  base.users!.push({ id: ALICE, username: 'alice' });
  const guild = base.guilds[0]!;
  guild.roles = [
    { id: AUDITOR_ROLE, name: 'auditor', permissions: String(P.VIEW_AUDIT_LOG), position: 1 },
    { id: WEBHOOK_ADMIN_ROLE, name: 'webhook admin', permissions: String(P.MANAGE_WEBHOOKS), position: 2 },
  ];
  guild.members = [
    DEFAULT_USER_ID,
    ALICE,
    { user_id: BOT_ID, roles: options.botReadsAuditLog ? [AUDITOR_ROLE] : [] },
    { user_id: OTHER_BOT_ID, roles: [WEBHOOK_ADMIN_ROLE] },
  ];
  return base;
}

const reasonHeader = (text: string) => ({ 'X-Audit-Log-Reason': encodeURIComponent(text) });

/** A write by a person in Discord's UI (the sandbox's admin API stands in for them). */
async function asPerson(h: Harness, method: string, path: string, body: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${h.sandbox.url}/__sandbox${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.status;
}

async function applied(h: Harness, yaml: string): Promise<string> {
  const file = await h.manifest(yaml);
  const apply = await h.cli(['apply', '-f', file, '--auto-approve']);
  expect(apply.code, apply.stderr).toBe(0);
  return file;
}

async function webhookNamed(h: Harness, name: string) {
  const found = (await h.webhooks()).find((w) => w.name === name);
  expect(found, `webhook "${name}"`).toBeDefined();
  return found!;
}

const auditLogRequests = (h: Harness) => h.requests().filter((r) => r.path.includes('/audit-logs'));

describe('drift with the audit log readable', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: auditSeed({ botReadsAuditLog: true }) });
  });
  afterEach(() => h.sandbox.reset());
  afterAll(() => h.close());

  it('names the other bot and its reason, in text and JSON, and apply renames the webhook back keeping its id', async () => {
    const file = await applied(h, manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    const hook = await webhookNamed(h, 'Deploys');
    const renamed = await h.api('PATCH', `/webhooks/${hook.id}`, { name: 'Deploys (old)' }, OTHER_BOT_TOKEN, reasonHeader('tidying up the channel'));
    expect(renamed.status).toBe(200);

    const check = await h.cli(['check', '-f', file]);
    expect(check.code).toBe(2);
    expect(check.stdout).toContain(`update        ${GUILD}/${GENERAL}/Deploys`);
    expect(check.stdout).toContain(`changed in Discord by other-bot (${OTHER_BOT_ID})`);
    expect(check.stdout).toContain('reason: "tidying up the channel"');

    const json = JSON.parse((await h.cli(['check', '-f', file, '--format', 'json'])).stdout);
    expect(json.drift).toBe('drift');
    expect(json.changes).toHaveLength(1);
    expect(json.changes[0]).toMatchObject({
      action: 'update',
      webhookId: hook.id,
      fields: { name: { from: 'Deploys (old)', to: 'Deploys' } },
      attribution: { userId: OTHER_BOT_ID, userName: 'other-bot', reason: 'tidying up the channel', actionType: 51 },
    });
    expect(Date.parse(json.changes[0].attribution.at)).toBeGreaterThan(Date.now() - 60_000);

    const plan = await h.cli(['plan', '-f', file]);
    expect(plan.stdout).toContain(`~ update "Deploys" (webhook ${hook.id})`);
    expect(plan.stdout).toContain(`drift: changed in Discord by other-bot (${OTHER_BOT_ID}) at `);

    expect((await h.cli(['apply', '-f', file, '--auto-approve'])).code).toBe(0);
    expect((await h.webhooks()).map((w) => [w.id, w.name, w.token])).toEqual([[hook.id, 'Deploys', hook.token]]);
    expect((await h.cli(['check', '-f', file])).code).toBe(0);
  });

  it('a saved plan renames it back as reviewed', async () => {
    const file = await applied(h, manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    const hook = await webhookNamed(h, 'Deploys');
    await h.api('PATCH', `/webhooks/${hook.id}`, { name: 'Renamed' }, OTHER_BOT_TOKEN, reasonHeader('mine now'));
    expect((await h.cli(['plan', '-f', file, '--out', 'plan.json'])).code).toBe(0);
    const apply = await h.cli(['apply', 'plan.json', '-f', file]);
    expect(apply.code, apply.stderr).toBe(0);
    expect((await h.webhooks()).map((w) => [w.id, w.name])).toEqual([[hook.id, 'Deploys']]);
  });

  it('a rename and a move by a person in Discord\'s UI: one move back that keeps the id; Markdown names them too', async () => {
    const file = await applied(h, manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    const hook = await webhookNamed(h, 'Deploys');
    const status = await asPerson(h, 'PATCH', `/webhooks/${hook.id}`, { user_id: ALICE, reason: 'belongs in #deploys', name: 'CI', channel_id: DEPLOYS });
    expect(status).toBe(200);

    const check = await h.cli(['check', '-f', file]);
    expect(check.code).toBe(2);
    expect(check.stdout).toContain(`move          ${GUILD}/${GENERAL}/Deploys`);
    expect(check.stdout).toContain(`changed in Discord by alice (${ALICE})`);
    expect(check.stdout).toContain('reason: "belongs in #deploys"');
    const markdown = await h.cli(['plan', '-f', file, '--format', 'markdown']);
    expect(markdown.stdout).toContain(`> **Drift:** changed in Discord by alice (${ALICE})`);

    expect((await h.cli(['apply', '-f', file, '--auto-approve'])).code).toBe(0);
    expect((await h.webhooks()).map((w) => [w.id, w.name, w.channel_id])).toEqual([[hook.id, 'Deploys', GENERAL]]);
    expect((await h.cli(['check', '-f', file])).code).toBe(0);
  });

  it('a move alone by a person is attributed on the move that undoes it', async () => {
    const file = await applied(h, manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    const hook = await webhookNamed(h, 'Deploys');
    expect(await asPerson(h, 'PATCH', `/webhooks/${hook.id}`, { user_id: ALICE, channel_id: DEPLOYS })).toBe(200);
    const json = JSON.parse((await h.cli(['plan', '-f', file, '--format', 'json'])).stdout);
    expect(json.changes).toEqual([
      expect.objectContaining({ action: 'move', webhookId: hook.id, attribution: expect.objectContaining({ userId: ALICE, userName: 'alice', reason: null }) }),
    ]);
    expect((await h.cli(['check', '-f', file])).stdout).toContain(`changed in Discord by alice (${ALICE}) at `);
  });

  it('a webhook deleted out of band: the create that brings it back says who deleted it', async () => {
    const file = await applied(h, manifestYaml([{ name: 'Deploys', channel: GENERAL }, { name: 'Alerts', channel: DEPLOYS }]));
    const hook = await webhookNamed(h, 'Deploys');
    expect(await asPerson(h, 'DELETE', `/webhooks/${hook.id}`, { user_id: ALICE, reason: 'nobody reads this' })).toBe(204);

    const check = await h.cli(['check', '-f', file]);
    expect(check.code).toBe(2);
    expect(check.stdout).toContain(`create        ${GUILD}/${GENERAL}/Deploys`);
    expect(check.stdout).toContain(`deleted in Discord by alice (${ALICE})`);
    expect(check.stdout).toContain('reason: "nobody reads this"');
    const json = JSON.parse((await h.cli(['check', '-f', file, '--format', 'json'])).stdout);
    expect(json.changes).toEqual([
      expect.objectContaining({ action: 'create', name: 'Deploys', attribution: expect.objectContaining({ userId: ALICE, actionType: 52 }) }),
    ]);
  });

  it('cordform\'s own writes are not drift: a manifest rename is a plain create and delete, attributed to no one', async () => {
    await applied(h, manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    const file = await h.manifest(manifestYaml([{ name: 'Releases', channel: GENERAL }]));
    const json = JSON.parse((await h.cli(['plan', '-f', file, '--format', 'json'])).stdout);
    expect(json.changes.map((c: { action: string; name: string }) => `${c.action} ${c.name}`).sort()).toEqual(['create Releases', 'delete Deploys']);
    expect(json.changes.every((c: object) => !('attribution' in c))).toBe(true);
  });

  it('a converged plan reads no audit log (guilds + 1 requests); a drifted one reads updates and deletes', async () => {
    const file = await applied(h, manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    await h.clearRequests();
    expect((await h.cli(['plan', '-f', file])).code).toBe(0);
    expect(h.requests()).toHaveLength(2);
    expect(auditLogRequests(h)).toEqual([]);

    const hook = await webhookNamed(h, 'Deploys');
    await h.api('PATCH', `/webhooks/${hook.id}`, { name: 'Renamed' }, OTHER_BOT_TOKEN);
    await h.clearRequests();
    await h.cli(['plan', '-f', file]);
    // One per event (WEBHOOK_UPDATE for the delete, WEBHOOK_DELETE for the create): Discord filters on one action_type.
    expect(auditLogRequests(h).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `GET /api/v10/guilds/${GUILD}/audit-logs 200`,
      `GET /api/v10/guilds/${GUILD}/audit-logs 200`,
    ]);
  });
});

describe('drift without VIEW_AUDIT_LOG', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: auditSeed({ botReadsAuditLog: false }) });
  });
  afterAll(() => h.close());

  it('warns once, names the consequence, and behaves as before: the renamed webhook is deleted and created anew', async () => {
    const file = await applied(h, manifestYaml([{ name: 'Deploys', channel: GENERAL }, { name: 'Alerts', channel: DEPLOYS }]));
    const deploys = await webhookNamed(h, 'Deploys');
    const alerts = await webhookNamed(h, 'Alerts');
    await h.api('PATCH', `/webhooks/${deploys.id}`, { name: 'Deploys (old)' }, OTHER_BOT_TOKEN, reasonHeader('tidy'));
    await h.api('PATCH', `/webhooks/${alerts.id}`, { name: 'Alerts (old)' }, OTHER_BOT_TOKEN, reasonHeader('tidy'));

    const json = JSON.parse((await h.cli(['plan', '-f', file, '--format', 'json'])).stdout);
    const warnings = json.warnings.filter((w: { code: string }) => w.code === 'audit_log_unreadable');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ guildId: GUILD });
    expect(warnings[0].message).toContain('View Audit Log');
    expect(warnings[0].message).toContain('a webhook renamed in Discord is replaced instead of renamed back');
    expect(json.changes.map((c: { action: string; name: string }) => `${c.action} ${c.name}`).sort()).toEqual([
      'create Alerts',
      'create Deploys',
      'delete Alerts (old)',
      'delete Deploys (old)',
    ]);
    expect(json.changes.every((c: object) => !('attribution' in c))).toBe(true);

    const check = await h.cli(['check', '-f', file]);
    expect(check.code).toBe(2);
    expect(check.stdout.match(/cannot read the audit log/g)).toHaveLength(1);
    const text = await h.cli(['plan', '-f', file]);
    expect(text.stdout.match(/cannot read the audit log/g)).toHaveLength(1);

    expect((await h.cli(['apply', '-f', file, '--auto-approve'])).code).toBe(0);
    const after = await webhookNamed(h, 'Deploys');
    expect(after.id).not.toBe(deploys.id);
  });
});
