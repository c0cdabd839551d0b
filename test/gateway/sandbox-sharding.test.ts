import { afterEach, describe, expect, it } from 'vitest';
import type { APIGatewayBotInfo } from '../../src/discord/types.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { DEFAULT_BOT_TOKEN as TOKEN, DEFAULT_USER_ID } from '../../src/sandbox/server.js';
import { FIRST_CHANNEL, FIRST_GUILD, SECOND_CHANNEL, SECOND_GUILD, shardedSeed } from '../support/sharded-seed.js';
import { RawGatewayClient, type Frame } from './helpers.js';

/**
 * The sandbox gateway shards as Discord does (https://discord.com/developers/docs/events/gateway#sharding):
 * GET /gateway/bot recommends a shard count and reports max_concurrency, a session gets only
 * its shard's guilds (`(guild_id >> 22) % num_shards`), IDENTIFY is refused with 4011 when a
 * shard would hold too many guilds and 4010 for a shard count large-bot sharding forbids,
 * and IDENTIFYs beyond max_concurrency per 5 s get op 9.
 */
const INTENTS = 1 | (1 << 9) | (1 << 15);
let sandbox: Sandbox | undefined;
const clients: RawGatewayClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions): Promise<Sandbox> {
  sandbox = await startSandbox({ rateLimits: 'off', ...options });
  return sandbox;
}

async function connect(s: Sandbox): Promise<RawGatewayClient> {
  const client = await RawGatewayClient.connect(s.gatewayUrl);
  clients.push(client);
  return client;
}

async function gatewayBot(s: Sandbox): Promise<APIGatewayBotInfo> {
  const response = await fetch(`${s.apiBase}/gateway/bot`, { headers: { authorization: `Bot ${TOKEN}` } });
  return (await response.json()) as APIGatewayBotInfo;
}

/** Sends IDENTIFY after HELLO and returns the first answer: READY, op 9 or the close. */
async function identify(client: RawGatewayClient, shard?: [number, number]): Promise<Frame | { code: number }> {
  await client.next((f) => f.op === 10);
  client.send({ op: 2, d: { token: TOKEN, intents: INTENTS, properties: { os: 'linux', browser: 't', device: 't' }, ...(shard ? { shard } : {}) } });
  return Promise.race([client.next((f) => f.op === 9 || (f.op === 0 && f.t === 'READY')), client.closed]);
}

describe('sandbox gateway sharding', () => {
  it('GET /gateway/bot: the seed sets shards and max_concurrency; by default one shard per 1000 guilds', async () => {
    expect(await gatewayBot(await start({ seed: shardedSeed({ shards: 2, max_concurrency: 16 }) }))).toMatchObject({
      shards: 2,
      session_start_limit: { max_concurrency: 16 },
    });
    await sandbox?.close();
    expect(await gatewayBot(await start({ seed: shardedSeed() }))).toMatchObject({ shards: 1, session_start_limit: { max_concurrency: 1 } });
  });

  it("each shard's session gets only its own guilds: READY, GUILD_CREATE and MESSAGE_CREATE", async () => {
    const s = await start({ seed: shardedSeed({ max_concurrency: 2 }) });
    const zero = await connect(s);
    const one = await connect(s);
    const ready0 = (await identify(zero, [0, 2])) as Frame;
    const ready1 = (await identify(one, [1, 2])) as Frame;
    expect(ready0.d.guilds.map((g: { id: string }) => g.id)).toEqual([FIRST_GUILD]);
    expect(ready1.d.guilds.map((g: { id: string }) => g.id)).toEqual([SECOND_GUILD]);
    expect(ready0.d.shard).toEqual([0, 2]);
    expect((await zero.next((f) => f.t === 'GUILD_CREATE')).d.id).toBe(FIRST_GUILD);
    expect((await one.next((f) => f.t === 'GUILD_CREATE')).d.id).toBe(SECOND_GUILD);

    s.postMessage({ channel_id: FIRST_CHANNEL, author_id: DEFAULT_USER_ID, content: 'in the first guild' });
    s.postMessage({ channel_id: SECOND_CHANNEL, author_id: DEFAULT_USER_ID, content: 'in the second guild' });
    expect((await zero.next((f) => f.t === 'MESSAGE_CREATE')).d.content).toBe('in the first guild');
    expect((await one.next((f) => f.t === 'MESSAGE_CREATE')).d.content).toBe('in the second guild');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(zero.pending().filter((f) => f.t === 'MESSAGE_CREATE' || f.t === 'GUILD_CREATE')).toEqual([]);
    expect(one.pending().filter((f) => f.t === 'MESSAGE_CREATE' || f.t === 'GUILD_CREATE')).toEqual([]);
  });

  it('4011 Sharding required when one session would hold more guilds than a shard may', async () => {
    const s = await start({ seed: shardedSeed({ max_guilds_per_shard: 1, max_concurrency: 2 }) });
    expect(await identify(await connect(s))).toMatchObject({ code: 4011 });
    expect(await identify(await connect(s), [1, 2])).toMatchObject({ op: 0, t: 'READY' });
  });

  it('4010 Invalid shard for a shard count that is not a multiple of the large-bot shard number, or out of range', async () => {
    const s = await start({ seed: shardedSeed({ shard_multiple: 2, max_concurrency: 16 }) });
    expect(await identify(await connect(s), [0, 3])).toMatchObject({ code: 4010 });
    expect(await identify(await connect(s), [2, 2])).toMatchObject({ code: 4010 });
    expect(await identify(await connect(s), [0, 4])).toMatchObject({ op: 0, t: 'READY' });
  });

  it('max_concurrency: one IDENTIFY per rate-limit key per 5 s; the next of the same key gets op 9', async () => {
    const s = await start({ seed: shardedSeed({ max_concurrency: 2 }) });
    expect(await identify(await connect(s), [0, 4])).toMatchObject({ t: 'READY' });
    expect(await identify(await connect(s), [1, 4])).toMatchObject({ t: 'READY' }); // key 1
    expect(await identify(await connect(s), [2, 4])).toMatchObject({ op: 9, d: false }); // key 0 again
    expect((await gatewayBot(s)).session_start_limit.remaining).toBe(998); // op 9 counted nothing
  });

  it('the interval is per key and ends: the same key may identify again once it has passed', async () => {
    const s = await start({ seed: shardedSeed(), identifyIntervalMs: 300 });
    expect(await identify(await connect(s))).toMatchObject({ t: 'READY' });
    expect(await identify(await connect(s))).toMatchObject({ op: 9 });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await identify(await connect(s))).toMatchObject({ t: 'READY' });
  });
});
