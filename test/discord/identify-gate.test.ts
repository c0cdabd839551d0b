import { describe, expect, it } from 'vitest';
import { IdentifyGate } from '../../src/discord/identify-gate.js';
import { identifyStaggerMs, nextIdentifySlot, rateLimitKey, shardForGuild } from '../../src/discord/sharding.js';

/**
 * Discord's max_concurrency (https://discord.com/developers/docs/events/gateway#sharding-max-concurrency):
 * one IDENTIFY per `shard_id % max_concurrency` key per 5 s, buckets in order. Intervals
 * are shortened here; the gate takes Discord's 5 s by default.
 */
const INTERVAL = 120;

async function grantTimes(gate: IdentifyGate, shards: number[], started: number): Promise<Record<number, number>> {
  const times: Record<number, number> = {};
  await Promise.all(
    shards.map(async (shard) => {
      const ticket = await gate.acquire(shard);
      times[shard] = Date.now() - started;
      ticket.sent();
    }),
  );
  return times;
}

describe('sharding formulas', () => {
  it('guild → shard, shard → rate-limit key, shard → stagger', () => {
    expect(shardForGuild('100000000000000001', 2)).toBe(0);
    expect(shardForGuild('100000000004194305', 2)).toBe(1);
    expect(shardForGuild('81384788765712384', 17)).toBe(7); // serenity's documented example
    expect(shardForGuild(undefined, 4)).toBe(0); // no guild: shard 0 (DMs)
    expect([0, 1, 16, 17].map((s) => rateLimitKey(s, 16))).toEqual([0, 1, 0, 1]);
    expect([0, 1, 15, 16, 31, 32].map((s) => identifyStaggerMs(s, 16))).toEqual([0, 0, 0, 5000, 5000, 10000]);
  });
});

describe('IdentifyGate', () => {
  it('max_concurrency 1: shards identify one after another, an interval apart, lowest first', async () => {
    const started = Date.now();
    const gate = new IdentifyGate({ maxConcurrency: 1, intervalMs: INTERVAL, startedAt: started });
    const times = await grantTimes(gate, [2, 0, 1], started);
    expect(times[0]).toBeLessThan(INTERVAL / 2);
    expect(times[1]!).toBeGreaterThanOrEqual(INTERVAL - 5);
    expect(times[2]!).toBeGreaterThanOrEqual(2 * INTERVAL - 5);
  });

  it('max_concurrency 2: one shard per key at once; the next bucket an interval later', async () => {
    const started = Date.now();
    const gate = new IdentifyGate({ maxConcurrency: 2, intervalMs: INTERVAL, startedAt: started });
    const times = await grantTimes(gate, [0, 1, 2, 3], started);
    expect(times[0]).toBeLessThan(INTERVAL / 2);
    expect(times[1]).toBeLessThan(INTERVAL / 2);
    expect(times[2]!).toBeGreaterThanOrEqual(INTERVAL - 5);
    expect(times[3]!).toBeGreaterThanOrEqual(INTERVAL - 5);
  });

  it('two processes, one shard each, keep apart by the stagger alone', async () => {
    const started = Date.now();
    const processA = new IdentifyGate({ maxConcurrency: 1, intervalMs: INTERVAL, startedAt: started });
    const processB = new IdentifyGate({ maxConcurrency: 1, intervalMs: INTERVAL, startedAt: started });
    const [a, b] = await Promise.all([grantTimes(processA, [0], started), grantTimes(processB, [1], started)]);
    expect(b[1]! - a[0]!).toBeGreaterThanOrEqual(INTERVAL - 5);
  });

  it('with the shard count, two processes started at different moments identify in their own clock slots', async () => {
    const processA = new IdentifyGate({ maxConcurrency: 1, intervalMs: INTERVAL, shardCount: 2 });
    await new Promise((resolve) => setTimeout(resolve, 37)); // B starts later, as on a busy node
    const processB = new IdentifyGate({ maxConcurrency: 1, intervalMs: INTERVAL, shardCount: 2 });
    const at = async (gate: IdentifyGate, shard: number) => {
      const ticket = await gate.acquire(shard);
      ticket.sent();
      return Date.now();
    };
    const [a, b] = await Promise.all([at(processA, 0), at(processB, 1)]);
    expect(Math.abs(b - a)).toBeGreaterThanOrEqual(INTERVAL - 5);
  });

  it('slots repeat per cycle of buckets, with a small grace at the start of a slot', () => {
    // 2 shards, max_concurrency 1, 5 s interval: 6 s slots, a 12 s cycle.
    expect(nextIdentifySlot(12_000, 0, 2, 1)).toBe(12_000);
    expect(nextIdentifySlot(12_100, 0, 2, 1)).toBe(12_100);
    expect(nextIdentifySlot(13_000, 0, 2, 1)).toBe(24_000);
    expect(nextIdentifySlot(13_000, 1, 2, 1)).toBe(18_000);
    expect(nextIdentifySlot(19_000, 1, 2, 1)).toBe(30_000);
    // All shards in one bucket (max_concurrency covers them): no wait.
    expect(nextIdentifySlot(13_000, 3, 4, 16)).toBe(13_000);
  });

  it('the interval counts from when IDENTIFY was sent; a cancelled ticket frees the key at once', async () => {
    const gate = new IdentifyGate({ maxConcurrency: 1, intervalMs: INTERVAL });
    const first = await gate.acquire(0);
    await new Promise((resolve) => setTimeout(resolve, 60)); // opening the socket took a while
    const sentAt = Date.now();
    first.sent();
    const second = await gate.acquire(0);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(INTERVAL - 5);
    second.cancel();
    const before = Date.now();
    (await gate.acquire(0)).sent();
    expect(Date.now() - before).toBeLessThan(INTERVAL / 2);
  });

  it('a waiter whose signal aborts leaves the line', async () => {
    const gate = new IdentifyGate({ maxConcurrency: 1, intervalMs: INTERVAL });
    (await gate.acquire(0)).sent();
    const controller = new AbortController();
    const waiting = gate.acquire(0, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });
});
