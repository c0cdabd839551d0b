import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { APIChannel, APIUser, APIWebhook } from '../../src/discord/types.js';
import { importManifest, type ImportInput } from '../../src/import/import-manifest.js';
import { loadManifest } from '../../src/manifest/read-manifest.js';
import { buildPlan } from '../../src/plan/index.js';

const G = '300000000000000001';
const C1 = '300000000000000002';
const C2 = '300000000000000003';
const bot: APIUser = { id: '300000000000000010', username: 'bot', discriminator: '0', avatar: null, bot: true };
const human: APIUser = { id: '300000000000000020', username: 'alice', discriminator: '0', avatar: null };

let next = 100;
function hook(channel: string, name: string, options: Partial<APIWebhook> & { by?: APIUser | null } = {}): APIWebhook {
  const { by = bot, ...rest } = options;
  return {
    id: `30000000000000${next++}`,
    type: 1,
    guild_id: G,
    channel_id: channel,
    name,
    avatar: null,
    application_id: by === bot ? bot.id : null,
    ...(by === null ? {} : { user: by }),
    ...rest,
  };
}
const channels: APIChannel[] = [
  { id: C2, type: 0, name: 'deploys', position: 0 },
  { id: C1, type: 0, name: 'general', position: 1 },
];
const input = (webhooks: APIWebhook[], extra: Partial<ImportInput> = {}): ImportInput => ({ guildId: G, bot, applicationId: bot.id, webhooks, channels, ...extra });

/** Loads the YAML like `cordform validate` and plans it against the same live webhooks. */
async function loadAndPlan(yaml: string, webhooks: APIWebhook[]) {
  const dir = await mkdtemp(join(tmpdir(), 'cordform-import-'));
  try {
    await writeFile(join(dir, 'cordform.yaml'), yaml);
    const result = await loadManifest({ files: ['cordform.yaml'], cwd: dir, env: { DISCORD_BOT_TOKEN: 't' } });
    expect(result.errors).toEqual([]);
    const live = { bot, applicationId: bot.id, guilds: [{ guildId: G, webhooks, channels: null, commands: null }] };
    return buildPlan(result.manifest!, live);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('importManifest (pure)', () => {
  it('groups owned webhooks by channel in Discord order and round-trips to an empty plan', async () => {
    const webhooks = [hook(C1, 'b'), hook(C1, 'a'), hook(C2, 'deploys', { avatar: 'abc123' })];
    const { yaml, summary } = importManifest(input(webhooks));
    expect(summary).toEqual({ owned: 3, pinned: 0, foreignLeftOut: 0, unmanageable: 0, ownedLeftOut: 0 });
    expect(yaml.indexOf('# #deploys')).toBeLessThan(yaml.indexOf('# #general'));
    expect(yaml.indexOf('name: a')).toBeLessThan(yaml.indexOf('name: b'));
    const plan = await loadAndPlan(yaml, webhooks);
    expect(plan.changes).toEqual([]);
    expect(plan.blockers).toEqual([]);
  });

  it('leaves out channel-follower and application webhooks with a comment, even with --all', async () => {
    const follower = hook(C1, 'News', { type: 2, by: null, application_id: null });
    const app = hook(C1, 'App', { type: 3, by: null, application_id: '300000000000000099' });
    const { yaml, summary } = importManifest(input([follower, app], { includeForeign: true }));
    expect(summary.unmanageable).toBe(2);
    expect(yaml).toContain(`channel-follower (type 2) webhook "News" (${follower.id})`);
    expect(yaml).toContain(`application (type 3) webhook "App" (${app.id})`);
    expect(yaml).toContain('webhooks: []');
    expect((await loadAndPlan(yaml, [follower, app])).changes).toEqual([]);
  });

  it('counts webhooks created through the application (no user) as owned, like the planner', () => {
    const { summary } = importManifest(input([hook(C1, 'via-app', { by: null, application_id: bot.id })]));
    expect(summary.owned).toBe(1);
  });

  it('pins foreign webhooks only with --all; either way the plan is empty', async () => {
    const webhooks = [hook(C1, 'mine'), hook(C1, 'theirs', { by: human, avatar: 'f00' })];
    const owned = importManifest(input(webhooks));
    expect(owned.yaml).not.toMatch(/^\s+id:/m);
    expect((await loadAndPlan(owned.yaml, webhooks)).changes).toEqual([]);
    const all = importManifest(input(webhooks, { includeForeign: true }));
    expect(all.yaml).toContain(`id: "${webhooks[1]!.id}"`);
    expect(all.yaml).toContain(`created by user ${human.id}`);
    expect((await loadAndPlan(all.yaml, webhooks)).changes).toEqual([]);
  });

  it('sets prune: false when an owned webhook cannot be declared (same name twice in a channel)', async () => {
    const webhooks = [hook(C1, 'twin'), hook(C1, 'twin')];
    const { yaml, summary } = importManifest(input(webhooks));
    expect(summary.ownedLeftOut).toBe(1);
    expect(yaml).toContain('prune: false');
    expect((await loadAndPlan(yaml, webhooks)).changes).toEqual([]);
  });

  it('works without channel names (channels not readable)', async () => {
    const webhooks = [hook(C1, 'x')];
    const { yaml } = importManifest(input(webhooks, { channels: null }));
    expect(yaml).toContain(`# channel ${C1}`);
    expect((await loadAndPlan(yaml, webhooks)).changes).toEqual([]);
  });
});
