import { shardForGuild } from '../../discord/sharding.js';
import type { BotSharding } from '../store/world.js';

/**
 * What the sandbox gateway enforces about sharding, after
 * https://discord.com/developers/docs/events/gateway#sharding:
 * - an IDENTIFY whose shard would handle more guilds than one session may is closed with
 *   4011 (Sharding required): "apps that are in 2500+ guilds must enable sharding";
 * - bots in large-bot sharding must run a multiple of their assigned shard number, else
 *   4010 (Invalid shard) — malformed shards are refused with 4010 by the connection itself.
 * `max_concurrency` (IDENTIFYs per 5 s) is part of the session start limit: session-starts.ts.
 */
export interface ShardRefusal {
  code: 4010 | 4011;
  reason: string;
}

/** GET /gateway/bot `shards`: the seed's value, else one shard per 1000 guilds (at least one). */
export function recommendedShardCount(sharding: BotSharding, guildCount: number): number {
  return sharding.recommendedShards ?? Math.max(1, Math.ceil(guildCount / 1000));
}

export function shardRefusal(
  sharding: BotSharding,
  shard: readonly [number, number],
  guildIds: readonly string[],
): ShardRefusal | null {
  const [shardId, shardCount] = shard;
  if (sharding.shardMultiple !== null && shardCount % sharding.shardMultiple !== 0) {
    return { code: 4010, reason: 'Invalid shard.' };
  }
  const handled = guildIds.filter((id) => shardForGuild(id, shardCount) === shardId).length;
  if (handled > sharding.maxGuildsPerShard) return { code: 4011, reason: 'Sharding required.' };
  return null;
}
