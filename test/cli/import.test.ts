import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cliWorkspace, writes, type CliWorkspace } from '../support/cli-harness.js';

/**
 * Import round trip: a guild with owned and foreign webhooks → `cordform import`
 * → `cordform validate` passes → `cordform plan --detailed-exitcode` exits 0, and nothing
 * was written to Discord on the way.
 */
const GUILD = '100000000000000001';
const GENERAL = '100000000000000002';
const DEPLOYS = '100000000000000003';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const AVATAR = `data:image/png;base64,${PNG.toString('base64')}`;

async function create(sandbox: Sandbox, token: string, channel: string, body: Record<string, unknown>): Promise<{ id: string; avatar: string | null }> {
  const response = await fetch(`${sandbox.apiBase}/channels/${channel}/webhooks`, {
    method: 'POST',
    headers: { Authorization: `Bot ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string; avatar: string | null };
}

describe('cordform import round trip', () => {
  let sandbox: Sandbox;
  let cli: CliWorkspace;
  let legacy: { id: string; avatar: string | null };
  let deploys: { id: string; avatar: string | null };

  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimits: 'off' });
    cli = await cliWorkspace(sandbox);
    deploys = await create(sandbox, 'sandbox-bot-token', DEPLOYS, { name: 'Deploys', avatar: AVATAR });
    await create(sandbox, 'sandbox-bot-token', GENERAL, { name: 'Alerts' });
    await create(sandbox, 'sandbox-bot-token', GENERAL, { name: 'Builds' });
    // Webhooks another bot created: cordform must leave them exactly as they are.
    legacy = await create(sandbox, 'sandbox-other-bot-token', GENERAL, { name: 'Legacy', avatar: AVATAR });
    await create(sandbox, 'sandbox-other-bot-token', DEPLOYS, { name: 'Deploys' });
  });
  afterAll(async () => {
    await cli.cleanup();
    await sandbox.close();
  });

  const roundTrip = async (file: string, importArgs: string[]) => {
    const imported = await cli.run(['import', '--guild', GUILD, '--out', file, '--force', ...importArgs]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const validated = await cli.run(['validate', '-f', file]);
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);
    const before = writes(sandbox).length;
    const plan = await cli.run(['plan', '-f', file, '--detailed-exitcode']);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(writes(sandbox).length).toBe(before);
    return { text: await readFile(join(cli.dir, file), 'utf8'), plan };
  };

  it('imports owned webhooks by (channel, name); plan right after shows no changes', async () => {
    const { text } = await roundTrip('cordform.yaml', []);
    const manifest = parse(text) as { version: number; discord: { token: string }; guilds: { id: string; prune?: boolean; webhooks: Record<string, string>[] }[] };
    expect(manifest.version).toBe(1);
    expect(manifest.discord.token).toBe('${DISCORD_BOT_TOKEN}');
    expect(manifest.guilds).toHaveLength(1);
    expect(manifest.guilds[0]!.prune).toBeUndefined();
    expect(manifest.guilds[0]!.webhooks).toEqual([
      { name: 'Alerts', channel: GENERAL },
      { name: 'Builds', channel: GENERAL },
      { name: 'Deploys', channel: DEPLOYS, avatar: 'keep' },
    ]);
    // Comments: channel names, the avatar hash, what was left out and why.
    expect(text).toContain(`# #general (${GENERAL})`);
    expect(text).toContain(`# #deploys (${DEPLOYS})`);
    expect(text).toContain(`avatar: keep # set in Discord (hash ${deploys.avatar}); replace keep with a file path to manage it`);
    expect(text).toContain(`"Legacy" (${legacy.id}) in #general (${GENERAL}): not created by this bot; import with --all to pin it with id:`);
  });

  it('--all pins the foreign webhooks with id: and still plans no changes (no adoption writes)', async () => {
    const { text } = await roundTrip('all.yaml', ['--all']);
    const webhooks = (parse(text) as { guilds: { webhooks: Record<string, string>[] }[] }).guilds[0]!.webhooks;
    expect(webhooks).toContainEqual({ name: 'Legacy', channel: GENERAL, avatar: 'keep', id: legacy.id });
    // The other bot's "Deploys" shares (channel, name) with ours: a manifest can declare that pair once.
    expect(webhooks.filter((w) => w.id !== undefined)).toHaveLength(1);
    expect(text).toMatch(/"Deploys" \(\d+\) in #deploys \(\d+\): another webhook in this channel has the same name/);
    expect(text).toContain('# not created by this bot (created by user 100000000000000030): pinned so cordform adopts it without changes');
  });

  it('--channel limits the import and sets prune: false so the owned webhooks left out are kept', async () => {
    const { text } = await roundTrip('general.yaml', ['--channel', GENERAL]);
    const guild = (parse(text) as { guilds: { prune?: boolean; webhooks: Record<string, string>[] }[] }).guilds[0]!;
    expect(guild.prune).toBe(false);
    expect(guild.webhooks.map((w) => w.name)).toEqual(['Alerts', 'Builds']);
    expect(text).toContain('prune: false keeps apply from deleting them');
  });

  it('without avatar: keep the plan would remove the live avatar (why import writes it)', async () => {
    const text = (await readFile(join(cli.dir, 'cordform.yaml'), 'utf8')).replace(/\n\s+avatar: keep.*\n/, '\n');
    await cli.write('no-keep.yaml', text);
    const plan = await cli.run(['plan', '-f', 'no-keep.yaml', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('avatar');
  });

  it('writes to stdout without --out, refuses to overwrite a file, and names a missing token', async () => {
    const out = await cli.run(['import', '--guild', GUILD]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('version: 1');
    expect(out.stderr).toContain('owned webhook(s) declared');
    const again = await cli.run(['import', '--guild', GUILD, '--out', 'cordform.yaml']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; pass --force');
    const noToken = await cli.run(['import', '--guild', GUILD], { DISCORD_BOT_TOKEN: '' });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('DISCORD_BOT_TOKEN');
    expect(out.stdout).not.toContain('sandbox-bot-token');
  });
});
