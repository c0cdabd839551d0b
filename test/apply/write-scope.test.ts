import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executePlan } from '../../src/apply/apply-plan.js';
import { buildWriteScope } from '../../src/apply/write-scope.js';
import { DiscordRestClient } from '../../src/discord/rest-client.js';
import { readLiveState } from '../../src/live/read-live-state.js';
import { readManifest } from '../../src/manifest/read-manifest.js';
import type { Manifest } from '../../src/manifest/types.js';
import type { Change, DeleteChange, SyncCommandsChange, UpdateChange } from '../../src/plan/plan-types.js';
import { DEFAULT_SEED, startSandbox, type Sandbox, type SandboxSeed } from '../../src/sandbox/server.js';
import { BOT_ID, BOT_TOKEN, DEPLOYS, GENERAL, GUILD, OTHER_BOT_TOKEN, manifestYaml } from '../support/cli-harness.js';

/**
 * Defence in depth: the executor itself refuses writes outside the manifest, whatever
 * changes it is handed. Each case forges a change the planner would never make and calls
 * the executor directly with the real client against the sandbox.
 */
const OTHER_GUILD = '100000000000000050';
const OTHER_CHANNEL = '100000000000000051';

function seedWithSecondGuild(): SandboxSeed {
  const seed = structuredClone(DEFAULT_SEED) as SandboxSeed;
  seed.guilds.push({
    id: OTHER_GUILD,
    name: 'Elsewhere',
    owner_id: seed.users![0]!.id,
    members: [seed.users![0]!.id, BOT_ID],
    channels: [{ id: OTHER_CHANNEL, name: 'elsewhere', type: 0, position: 0 }],
  });
  return seed;
}

describe('the executor refuses forged changes', () => {
  let sandbox: Sandbox;
  let dir: string;
  let client: DiscordRestClient;
  let manifest: Manifest;
  let ids: { managed: string; foreign: string; elsewhere: string };

  const post = async (path: string, body: unknown, token = BOT_TOKEN) => {
    const response = await fetch(`${sandbox.apiBase}${path}`, {
      method: 'POST',
      headers: { authorization: `Bot ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { id: string; name: string; channel_id: string };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimits: 'off', seed: seedWithSecondGuild() });
    dir = await mkdtemp(join(tmpdir(), 'cordform-scope-'));
    await writeFile(join(dir, 'cordform.yaml'), manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    manifest = await readManifest({ files: ['cordform.yaml'], cwd: dir, env: { DISCORD_BOT_TOKEN: BOT_TOKEN } });
    client = new DiscordRestClient({ apiBase: sandbox.apiBase, token: BOT_TOKEN });
    ids = {
      managed: (await post(`/channels/${GENERAL}/webhooks`, { name: 'Deploys' })).id,
      foreign: (await post(`/channels/${GENERAL}/webhooks`, { name: 'Helpdesk' }, OTHER_BOT_TOKEN)).id,
      elsewhere: (await post(`/channels/${OTHER_CHANNEL}/webhooks`, { name: 'Deploys' })).id,
    };
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(change: Change) {
    const live = await readLiveState(manifest, client);
    const before = sandbox.requests().length;
    const { outcomes } = await executePlan([change], { api: client, manifest, scope: buildWriteScope(manifest, live), defaultReason: 'test' });
    const writes = sandbox.requests().slice(before).filter((r) => r.method !== 'GET');
    return { outcome: outcomes[0]!, writes };
  }

  const deleteOf = (webhookId: string, guildId: string, channelId: string, name: string): DeleteChange => ({
    action: 'delete',
    key: `${guildId}/${channelId}/${name}`,
    guildId,
    channelId,
    name,
    webhookId,
    ownership: 'managed',
    fields: {},
    request: { method: 'DELETE', path_template: '/webhooks/{webhook.id}', params: { 'webhook.id': webhookId }, body: null },
    precondition: { exists: true, webhook_id: webhookId, name, channel_id: channelId, avatar: null },
  });

  it('will not delete a webhook another bot created, even with a matching precondition', async () => {
    const { outcome, writes } = await run(deleteOf(ids.foreign, GUILD, GENERAL, 'Helpdesk'));
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'write_out_of_scope' } });
    expect(outcome.detail).toContain('not created by this bot');
    expect(writes).toEqual([]);
    expect(sandbox.state.webhooks.all().some((w) => w.id === ids.foreign)).toBe(true);
  });

  it('will not delete in a guild the manifest does not declare', async () => {
    const { outcome, writes } = await run(deleteOf(ids.elsewhere, OTHER_GUILD, OTHER_CHANNEL, 'Deploys'));
    expect(outcome.detail).toContain(`guild ${OTHER_GUILD} is not declared`);
    expect(writes).toEqual([]);
  });

  it('will not delete a webhook of an undeclared guild by claiming a declared guild', async () => {
    const { outcome, writes } = await run(deleteOf(ids.elsewhere, GUILD, GENERAL, 'Deploys'));
    expect(outcome.detail).toContain('not among the webhooks read');
    expect(writes).toEqual([]);
  });

  it('will not register commands for an undeclared guild', async () => {
    const sync: SyncCommandsChange = {
      action: 'sync_commands',
      key: `${OTHER_GUILD}/commands`,
      guildId: OTHER_GUILD,
      channelId: null,
      name: 'slash commands',
      ownership: 'managed',
      fields: {},
      commands: { create: ['pwn'], update: [], delete: [] },
      request: {
        method: 'PUT',
        path_template: '/applications/{application.id}/guilds/{guild.id}/commands',
        params: { 'application.id': BOT_ID, 'guild.id': OTHER_GUILD },
        body: [{ name: 'pwn', description: 'pwned', type: 1, default_member_permissions: null, nsfw: false }],
      },
      precondition: { commands_sha256: '' },
    };
    const { outcome, writes } = await run(sync);
    expect(outcome.error?.code).toBe('write_out_of_scope');
    expect(writes).toEqual([]);
  });

  it('will not rename or move a managed webhook into something the manifest does not declare', async () => {
    const forged: UpdateChange = {
      action: 'update',
      key: `${GUILD}/${DEPLOYS}/Hijacked`,
      guildId: GUILD,
      channelId: DEPLOYS,
      name: 'Hijacked',
      webhookId: ids.managed,
      ownership: 'managed',
      fields: {},
      request: { method: 'PATCH', path_template: '/webhooks/{webhook.id}', params: { 'webhook.id': ids.managed }, body: { name: 'Hijacked', channel_id: DEPLOYS } },
      precondition: { exists: true, webhook_id: ids.managed, name: 'Deploys', channel_id: GENERAL, avatar: null },
    };
    const { outcome, writes } = await run(forged);
    expect(outcome.detail).toContain('declares no webhook "Hijacked"');
    expect(writes).toEqual([]);
  });

  it('will not modify a foreign webhook the manifest does not pin, but does what the manifest declares', async () => {
    const adopt: UpdateChange = {
      action: 'update',
      key: `${GUILD}/${GENERAL}/Deploys`,
      guildId: GUILD,
      channelId: GENERAL,
      name: 'Deploys',
      webhookId: ids.foreign,
      ownership: 'managed',
      fields: {},
      request: { method: 'PATCH', path_template: '/webhooks/{webhook.id}', params: { 'webhook.id': ids.foreign }, body: { name: 'Deploys' } },
      precondition: { exists: true, webhook_id: ids.foreign, name: 'Helpdesk', channel_id: GENERAL, avatar: null },
    };
    const refused = await run(adopt);
    expect(refused.outcome.detail).toContain('does not pin it with id:');
    expect(refused.writes).toEqual([]);
    // Control: the same kind of write to the managed webhook, into its declared slot, goes through.
    const allowed = await run({ ...adopt, webhookId: ids.managed, request: { ...adopt.request, params: { 'webhook.id': ids.managed } } });
    expect(allowed.outcome.status).toBe('done');
    expect(allowed.writes.map((w) => w.method)).toEqual(['PATCH']);
  });
});
