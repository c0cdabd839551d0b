import type { DiscordApi } from '../discord/api.js';
import type { GatewayClientOptions, GatewayStatus } from '../discord/gateway-client.js';
import { IdentifyGate } from '../discord/identify-gate.js';
import { SessionStartBudget } from '../discord/session-start-budget.js';
import { shardForGuild } from '../discord/sharding.js';
import type { APIGatewayBotInfo } from '../discord/types.js';

/**
 * Which gateway shards this process runs, on Discord's terms and with no coordinator
 * (https://discord.com/developers/docs/events/gateway#sharding):
 * - unsharded (the default): one connection, every guild;
 * - `--shard I/N`: one connection identifying as `[I, N]`; the platform starts one process
 *   per shard (a StatefulSet ordinal), so two processes never handle the same guild;
 * - `--shards auto`: every shard GET /gateway/bot recommends, in this one process.
 * Identifies follow max_concurrency through one IdentifyGate, whose wall-clock slot per
 * bucket (sharding.ts nextIdentifySlot) also keeps separately started processes apart; all
 * shards share one session start budget, since Discord's limit is "global and across all
 * shards".
 */
export type ShardSpec = { kind: 'fixed'; id: number; count: number } | { kind: 'auto' };

export interface ShardPlan {
  /** The shards this process runs. */
  ids: number[];
  /** For logs and the metrics' `shard` label: "1/4", "0-3/4"; null when unsharded. */
  label: string | null;
  /**
   * The total shard count and GET /gateway/bot as read for the plan; null when unsharded
   * (each client then asks GET /gateway/bot itself).
   */
  sharding: { count: number; gatewayBot: APIGatewayBotInfo } | null;
}

/** What the runtime needs from a gateway connection (GatewayClient, or a test double). */
export interface ShardGateway {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): GatewayStatus;
  closed(): Promise<void>;
}

export async function planShards(spec: ShardSpec | undefined, api: Pick<DiscordApi, 'getGatewayBot'>): Promise<ShardPlan> {
  if (!spec) return { ids: [0], label: null, sharding: null };
  const gatewayBot = await api.getGatewayBot();
  const count = spec.kind === 'auto' ? Math.max(1, gatewayBot.shards) : spec.count;
  const ids = spec.kind === 'auto' ? Array.from({ length: count }, (_, i) => i) : [spec.id];
  return { ids, label: shardLabel(ids, count), sharding: { count, gatewayBot } };
}

function shardLabel(ids: readonly number[], count: number): string {
  const first = ids[0] ?? 0;
  const last = ids[ids.length - 1] ?? first;
  return `${first === last ? first : `${first}-${last}`}/${count}`;
}

/**
 * The declared guilds whose events belong to shards this process does not run (Discord's
 * `(guild_id >> 22) % N`), computed once: the manifest's guilds are fixed at start-up.
 * Undeclared guilds are not listed: the router ignores them on any shard.
 */
export function guildsOfOtherShards(plan: ShardPlan, guildIds: readonly string[]): ReadonlySet<string> {
  const { sharding } = plan;
  if (sharding === null) return new Set();
  return new Set(guildIds.filter((id) => !plan.ids.includes(shardForGuild(id, sharding.count))));
}

export interface ShardSet extends Omit<ShardGateway, 'status'> {
  /** True when every shard is connected and READY. */
  ready(): boolean;
  /** Per shard, for the readiness gauge. */
  shards(): Array<{ id: number; ready: boolean }>;
}

type BaseOptions = Omit<GatewayClientOptions, 'shard' | 'identifyGate' | 'gatewayBot' | 'sessionStarts'>;

/** One gateway connection per planned shard, started and stopped together. */
export function createShardSet(
  plan: ShardPlan,
  base: BaseOptions,
  createGateway: (options: GatewayClientOptions) => ShardGateway,
): ShardSet {
  const { sharding } = plan;
  const shared: Partial<GatewayClientOptions> =
    sharding === null
      ? {}
      : {
          gatewayBot: sharding.gatewayBot,
          sessionStarts: SessionStartBudget.from(sharding.gatewayBot.session_start_limit),
          identifyGate: new IdentifyGate({
            maxConcurrency: sharding.gatewayBot.session_start_limit.max_concurrency ?? 1,
            shardCount: sharding.count,
          }),
        };
  const shards = plan.ids.map((id) => ({
    id,
    gateway: createGateway({ ...base, ...shared, ...(sharding === null ? {} : { shard: [id, sharding.count] as const }) }),
  }));
  return {
    async start() {
      await Promise.all(shards.map((shard) => shard.gateway.start()));
    },
    async stop() {
      await Promise.all(shards.map((shard) => shard.gateway.stop()));
    },
    ready: () => shards.every((shard) => shard.gateway.status().ready),
    async closed() {
      await Promise.all(shards.map((shard) => shard.gateway.closed()));
    },
    shards: () => shards.map((shard) => ({ id: shard.id, ready: shard.gateway.status().ready })),
  };
}
