import { DEFAULT_SEED, type SandboxSeed } from '../../src/sandbox/server.js';
import { DEFAULT_BOT_ID, DEFAULT_GUILD_ID, DEFAULT_USER_ID, GENERAL_CHANNEL_ID, OTHER_BOT_ID } from '../../src/sandbox/server.js';
import type { SeedBot } from '../../src/sandbox/server.js';

/**
 * The default world plus a second guild that Discord's formula puts on the other shard of
 * two: `(guild_id >> 22) % 2` is 0 for the default guild and 1 for SECOND_GUILD.
 */
export const FIRST_GUILD = DEFAULT_GUILD_ID;
export const FIRST_CHANNEL = GENERAL_CHANNEL_ID;
export const SECOND_GUILD = '100000000004194305';
export const SECOND_CHANNEL = '100000000004194306';

/** `bot` overrides the default bot's sharding fields (max_concurrency, shards, …). */
export function shardedSeed(bot: Partial<SeedBot> = {}): SandboxSeed {
  const seed = structuredClone(DEFAULT_SEED) as SandboxSeed;
  seed.bots = seed.bots.map((b) => (b.id === DEFAULT_BOT_ID ? { ...b, ...bot } : b));
  seed.guilds.push({
    id: SECOND_GUILD,
    name: 'Second',
    owner_id: DEFAULT_USER_ID,
    members: [DEFAULT_USER_ID, DEFAULT_BOT_ID, OTHER_BOT_ID],
    channels: [{ id: SECOND_CHANNEL, name: 'general', type: 0, position: 0 }],
  });
  return seed;
}
