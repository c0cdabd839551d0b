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

/** Each wall-clock slot is the 5 s interval plus this margin for opening the WebSocket. */
export const IDENTIFY_SLOT_MARGIN_MS = 1000;
/** How long after its slot opens a bucket may still start to IDENTIFY. */
export const IDENTIFY_SLOT_GRACE_MS = 250;

/**
 * Across processes, a stagger counted from each process's start keeps shards apart only
 * when the processes start together — on a busy node they do not. So when the shard count
 * is known, each bucket (floor(S / max_concurrency)) gets its own repeating slot on the
 * wall clock: bucket b may IDENTIFY in [b·slot, b·slot + grace) of every cycle of
 * buckets·slot ms. The slot is the 5 s interval plus a margin for the time a WebSocket takes
 * to open, so two buckets' IDENTIFYs stay 5 s apart whenever each process started, with only
 * NTP-synchronized clocks in common. Returns when shard `shardId` may next start.
 */
export function nextIdentifySlot(
  now: number,
  shardId: number,
  shardCount: number,
  maxConcurrency: number,
  intervalMs = IDENTIFY_INTERVAL_MS,
): number {
  const concurrency = Math.max(1, maxConcurrency);
  const buckets = Math.ceil(Math.max(1, shardCount) / concurrency);
  if (buckets <= 1) return now;
  const slotMs = intervalMs + IDENTIFY_SLOT_MARGIN_MS;
  const cycle = buckets * slotMs;
  const start = Math.floor(now / cycle) * cycle + (Math.floor(shardId / concurrency) % buckets) * slotMs;
  if (now >= start && now < start + IDENTIFY_SLOT_GRACE_MS) return now;
  return start > now ? start : start + cycle;
}

/**
 * When shard `shardId` may first IDENTIFY when the shard count is unknown, counted from the
 * moment its process started: buckets start "in order", one IDENTIFY per key per 5 s, so
 * shard S waits for the floor(S / max_concurrency) buckets before it. It keeps separate
 * processes apart only if they start together; with a shard count, nextIdentifySlot does.
 */
export function identifyStaggerMs(shardId: number, maxConcurrency: number, intervalMs = IDENTIFY_INTERVAL_MS): number {
  return Math.floor(shardId / Math.max(1, maxConcurrency)) * intervalMs;
}
