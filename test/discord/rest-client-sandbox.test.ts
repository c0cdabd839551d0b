import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDiscordApiError } from '../../src/discord/discord-api-error.js';
import { DiscordRestClient } from '../../src/discord/rest-client.js';
import { DEFAULT_SEED, startSandbox, type SandboxSeed } from '../../src/sandbox/server.js';

/**
 * The client against the sandbox with Discord's default rate limits: the webhook life cycle,
 * and a burst of creates that must finish without a single 429.
 */
const BOT_TOKEN = 'sandbox-bot-token';
const GUILD = '100000000000000001';
const CHANNELS = ['100000000000000002', '100000000000000003'] as const;
/** Untouched by the other tests, so their buckets start fresh for the burst. */
const BURST_CHANNELS = ['100000000000000004', '100000000000000005', '100000000000000006'] as const;

function seedWithMoreChannels(): SandboxSeed {
  const seed = structuredClone(DEFAULT_SEED) as SandboxSeed;
  const guild = seed.guilds[0];
  if (!guild) throw new Error('default seed has no guild');
  BURST_CHANNELS.forEach((id, i) => guild.channels.push({ id, name: `burst-${i}`, type: 0, position: 2 + i }));
  return seed;
}

interface LogEntry {
  method: string;
  path: string;
  status: number;
}

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let api: DiscordRestClient;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'discord', seed: seedWithMoreChannels() });
  api = new DiscordRestClient({ apiBase: sandbox.apiBase, token: BOT_TOKEN });
});
afterAll(async () => {
  await api?.close();
  await sandbox?.close();
});

async function requestLog(): Promise<LogEntry[]> {
  const res = await request(`${sandbox.url}/__sandbox/requests`);
  return (await res.body.json()) as LogEntry[];
}

describe('DiscordRestClient against the sandbox', () => {
  it('creates, lists, modifies and deletes a webhook', async () => {
    const me = await api.getCurrentUser();
    const created = await api.createWebhook(CHANNELS[0], { name: 'Deploys' }, { reason: 'cordform test — création' });
    expect(created).toMatchObject({ name: 'Deploys', channel_id: CHANNELS[0], type: 1 });
    expect(created.user?.id).toBe(me.id);
    expect(typeof created.token).toBe('string');

    const inGuild = await api.getGuildWebhooks(GUILD);
    expect(inGuild.map((w) => w.id)).toContain(created.id);
    const inChannel = await api.getChannelWebhooks(CHANNELS[0]);
    expect(inChannel.map((w) => w.id)).toContain(created.id);

    const moved = await api.modifyWebhook(created.id, { name: 'Releases', channel_id: CHANNELS[1] });
    expect(moved).toMatchObject({ id: created.id, name: 'Releases', channel_id: CHANNELS[1] });
    expect((await api.getWebhook(created.id)).name).toBe('Releases');

    const message = await api.executeWebhook(created.id, created.token ?? '', { content: 'hello' });
    expect(message).toMatchObject({ content: 'hello', webhook_id: created.id });

    await expect(api.deleteWebhook(created.id)).resolves.toBeUndefined();
    const again = await api.deleteWebhook(created.id).catch((e: unknown) => e);
    expect(isDiscordApiError(again, 10015)).toBe(true);
  });

  it('reports validation errors as flattened lines', async () => {
    const error = await api.createWebhook(CHANNELS[0], { name: 'x'.repeat(81) }).catch((e: unknown) => e);
    expect(isDiscordApiError(error)).toBe(true);
    expect((error as Error).message).toMatch(/name: .+/);
  });

  it('a burst of 30 creates over 3 channels gets zero 429s', async () => {
    await request(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' }).then((r) => r.body.dump());
    const before = api.stats();
    const started = performance.now();
    const created = await Promise.all(
      Array.from({ length: 30 }, (_, i) => api.createWebhook(BURST_CHANNELS[i % 3] ?? BURST_CHANNELS[0], { name: `burst-${i}` })),
    );
    const elapsed = performance.now() - started;
    expect(new Set(created.map((w) => w.id)).size).toBe(30);
    const after = api.stats();
    expect(after.responses429 - before.responses429).toBe(0);
    expect(after.requests - before.requests).toBe(30);
    const log = await requestLog();
    const creates = log.filter((e) => e.method === 'POST' && /\/channels\/\d+\/webhooks$/.test(e.path));
    expect(creates).toHaveLength(30);
    expect(log.filter((e) => e.status === 429)).toHaveLength(0);
    // 10 per channel at 5 per 2 s: the buckets allow it in one reset (≈2 s); a client that
    // wasted a window would need two (≈4 s). The exact figure belongs to bench/apply-rate.
    expect(elapsed).toBeGreaterThanOrEqual(1990);
    expect(elapsed).toBeLessThan(3500);
    await Promise.all(created.map((w) => api.deleteWebhook(w.id)));
    expect(api.stats().responses429).toBe(0);
  }, 20_000);
});
