/**
 * Discord's gateway sharding rules (https://discord.com/developers/docs/events/gateway#sharding),
 * shared by the runtime (which guilds a process handles, when a shard may IDENTIFY) and the
 * sandbox (which session gets a guild's events, which IDENTIFY it refuses).
 */

/** "Each shard can only support a maximum of 2500 guilds" (more: close 4011). */
export const MAX_GUILDS_PER_SHARD = 2500;

/** `max_concurrency` is the "number of identify requests allowed per 5 seconds". */
export const IDENTIFY_INTERVAL_MS = 5000;

/** `shard_id = (guild_id >> 22) % num_shards`; events without a guild go to shard 0. */
export function shardForGuild(guildId: string | undefined, shardCount: number): number {
  if (shardCount <= 1 || guildId === undefined) return 0;
  try {
    return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
  } catch {
    return 0;
  }
}

/** `rate_limit_key = shard_id % max_concurrency`: shards with the same key identify one at a time. */
export function rateLimitKey(shardId: number, maxConcurrency: number): number {
  return shardId % Math.max(1, maxConcurrency);
}

/**
 * When shard `shardId` may first IDENTIFY, counted from the moment its process started:
 * buckets start "in order", one IDENTIFY per key per 5 s, so shard S waits for the
 * floor(S / max_concurrency) buckets before it. Every process computes the same stagger
 * from its shard id alone, so processes started together never identify in the same
 * bucket at once, with no coordination between them.
 */
export function identifyStaggerMs(shardId: number, maxConcurrency: number, intervalMs = IDENTIFY_INTERVAL_MS): number {
  return Math.floor(shardId / Math.max(1, maxConcurrency)) * intervalMs;
}
