import { afterEach, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../src/discord/gateway-client.js';
import type { APIGatewayBotInfo } from '../../src/discord/types.js';
import { DEFAULT_SEED, startSandbox, type Sandbox, type SandboxSeed } from '../../src/sandbox/server.js';
import { RawGatewayClient, waitFor } from './helpers.js';

/**
 * Discord allows a bot 1000 IDENTIFYs per 24 hours; past that it ends every session and
 * resets the token (https://discord.com/developers/docs/events/gateway#identifying). The
 * sandbox enforces a seeded limit the same way, and the runtime's client never crosses it.
 */
const TOKEN = 'sandbox-bot-token';
const BOT_ID = '100000000000000010';
let sandbox: Sandbox | undefined;
let client: GatewayClient | undefined;

afterEach(async () => {
  await client?.stop();
  client = undefined;
  await sandbox?.close();
  sandbox = undefined;
});

function seedWithLimit(limit: number, maxConcurrency = 1): SandboxSeed {
  const seed = structuredClone(DEFAULT_SEED) as SandboxSeed;
  seed.bots = seed.bots.map((bot) =>
    bot.id === BOT_ID ? { ...bot, session_start_limit: limit, max_concurrency: maxConcurrency } : bot,
  );
  return seed;
}

async function gatewayBot(s: Sandbox, token = TOKEN): Promise<{ status: number; body: APIGatewayBotInfo }> {
  const response = await fetch(`${s.apiBase}/gateway/bot`, { headers: { authorization: `Bot ${token}` } });
  return { status: response.status, body: (await response.json()) as APIGatewayBotInfo };
}

describe('session start limit', () => {
  it('the sandbox counts IDENTIFYs in GET /gateway/bot, and one too many ends every session and resets the token', async () => {
    // Three shards with distinct rate-limit keys may identify back to back (max_concurrency 3).
    sandbox = await startSandbox({ seed: seedWithLimit(2, 3) });
    const s = sandbox;
    expect((await gatewayBot(s)).body.session_start_limit).toMatchObject({ total: 2, remaining: 2, max_concurrency: 3 });
    const first = await RawGatewayClient.connect(s.gatewayUrl);
    await first.identify(TOKEN, undefined, [0, 3]);
    const second = await RawGatewayClient.connect(s.gatewayUrl);
    await second.identify(TOKEN, undefined, [1, 3]);
    const limit = (await gatewayBot(s)).body.session_start_limit;
    expect(limit.remaining).toBe(0);
    expect(limit.reset_after).toBeGreaterThan(23 * 3600 * 1000);
    expect(limit.reset_after).toBeLessThanOrEqual(24 * 3600 * 1000);

    const third = await RawGatewayClient.connect(s.gatewayUrl);
    await third.next((f) => f.op === 10);
    third.send({ op: 2, d: { token: TOKEN, intents: 1 | (1 << 9), properties: { os: 'linux', browser: 'test', device: 'test' }, shard: [2, 3] } });
    expect((await third.closed).code).toBe(4004);
    expect((await first.closed).code).toBe(4004);
    expect((await second.closed).code).toBe(4004);
    expect((await gatewayBot(s)).status).toBe(401);
    s.reset();
    expect((await gatewayBot(s)).body.session_start_limit.remaining).toBe(2);
  });

  it("the runtime's client stops identifying when none are left, instead of costing the token", async () => {
    sandbox = await startSandbox({ seed: seedWithLimit(1), gatewayHeartbeatMs: 100 });
    const s = sandbox;
    const logs: string[] = [];
    client = new GatewayClient({
      token: TOKEN,
      intents: (1 << 0) | (1 << 9) | (1 << 15),
      api: { getGatewayBot: async () => (await gatewayBot(s)).body },
      onDispatch: () => {},
      log: (_level, message) => logs.push(message),
      invalidSessionDelayMs: { min: 0, max: 10 },
      reconnect: { baseDelayMs: 10, maxDelayMs: 50 },
    });
    await client.start();
    expect(logs.some((m) => m.includes('session starts are running out'))).toBe(true);
    // A session that cannot be resumed needs a new IDENTIFY, and there is none left.
    s.hub.invalidateSessions(false);
    await waitFor(() => logs.some((m) => m.includes('session start limit reached')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(s.hub.stats().identified).toBe(0);
    expect((await gatewayBot(s)).status).toBe(200); // the token still works
    expect((await gatewayBot(s)).body.session_start_limit.remaining).toBe(0);
  });
});
