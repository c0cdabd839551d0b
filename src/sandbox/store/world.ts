import { MAX_GUILDS_PER_SHARD } from '../../discord/sharding.js';
import type { APIOverwrite, APIRole } from '../../discord/types.js';
import {
  computeBasePermissions,
  computeChannelPermissions,
  DEFAULT_EVERYONE_PERMISSIONS,
  Perm,
  type PermissionInput,
} from './permissions.js';
import { ChannelType } from './channel-types.js';
import type { SandboxSeed, SeedChannel, SeedGuild } from './seed-types.js';
import { DEFAULT_SESSION_START_TOTAL } from '../gateway/session-starts.js';

/** The fixed part of a sandbox (users, bots, guilds, channels, members), indexed for lookups. */
export interface WorldUser {
  id: string;
  username: string;
  global_name: string | null;
  avatar: string | null;
  bot: boolean;
}

export interface WorldBot extends WorldUser {
  bot: true;
  token: string;
  application_id: string;
  message_content: boolean;
  /** IDENTIFYs allowed per 24 h. */
  session_start_limit: number;
  /** Gateway sharding, as GET /gateway/bot reports it and IDENTIFY enforces it (seed-types.ts). */
  sharding: BotSharding;
  public_key: string | null;
  /** The application's interactions endpoint; null = interactions come over the gateway. */
  interactions_endpoint_url: string | null;
}

export interface BotSharding {
  maxConcurrency: number;
  /** null: recommend one shard per 1000 guilds. */
  recommendedShards: number | null;
  maxGuildsPerShard: number;
  shardMultiple: number | null;
}

export interface WorldMember {
  user_id: string;
  nick: string | null;
  roles: string[];
  joined_at: string;
}

export interface WorldChannel {
  id: string;
  guild_id: string;
  name: string;
  type: number;
  nsfw: boolean;
  position: number;
  parent_id: string | null;
  topic: string | null;
  permission_overwrites: APIOverwrite[];
}

export type WorldRole = APIRole & { mentionable: boolean };

export interface WorldGuild {
  id: string;
  name: string;
  icon: string | null;
  owner_id: string;
  roles: WorldRole[];
  rolePermissions: Map<string, bigint>;
  members: Map<string, WorldMember>;
  channelIds: string[];
}

const DEFAULT_JOINED_AT = '2024-01-01T00:00:00.000000+00:00';

export class World {
  readonly users = new Map<string, WorldUser>();
  readonly bots = new Map<string, WorldBot>();
  /** Tokens that authenticate; a bot past its session start limit is taken out (token reset). */
  readonly botsByToken = new Map<string, WorldBot>();

  /** Every seeded bot's token works again (a sandbox reset). */
  restoreBotTokens(): void {
    for (const bot of this.bots.values()) this.botsByToken.set(bot.token, bot);
  }
  readonly guilds = new Map<string, WorldGuild>();
  readonly channels = new Map<string, WorldChannel>();

  constructor(seed: SandboxSeed) {
    for (const bot of seed.bots) {
      const record: WorldBot = {
        id: bot.id,
        username: bot.username,
        global_name: null,
        avatar: bot.avatar ?? null,
        bot: true,
        token: bot.token,
        application_id: bot.application_id ?? bot.id,
        message_content: bot.message_content ?? true,
        session_start_limit: bot.session_start_limit ?? DEFAULT_SESSION_START_TOTAL,
        sharding: {
          maxConcurrency: bot.max_concurrency ?? 1,
          recommendedShards: bot.shards ?? null,
          maxGuildsPerShard: bot.max_guilds_per_shard ?? MAX_GUILDS_PER_SHARD,
          shardMultiple: bot.shard_multiple ?? null,
        },
        public_key: bot.public_key ?? null,
        interactions_endpoint_url: bot.interactions_endpoint_url ?? null,
      };
      this.bots.set(bot.id, record);
      this.botsByToken.set(bot.token, record);
      this.users.set(bot.id, record);
    }
    for (const user of seed.users ?? []) {
      this.users.set(user.id, {
        id: user.id,
        username: user.username,
        global_name: user.global_name ?? null,
        avatar: user.avatar ?? null,
        bot: false,
      });
    }
    for (const guild of seed.guilds) this.addGuild(seed, guild);
  }

  private addGuild(seed: SandboxSeed, guild: SeedGuild): void {
    const humans = seed.users ?? [];
    const ownerId = guild.owner_id ?? humans[0]?.id ?? seed.bots[0]?.id ?? guild.id;
    const roles: WorldRole[] = (guild.roles ?? []).map((role, index) => ({
      id: role.id,
      name: role.name,
      permissions: role.permissions,
      position: role.position ?? (role.id === guild.id ? 0 : index + 1),
      mentionable: role.mentionable ?? false,
    }));
    if (!roles.some((role) => role.id === guild.id)) {
      roles.unshift({ id: guild.id, name: '@everyone', permissions: DEFAULT_EVERYONE_PERMISSIONS.toString(), position: 0, mentionable: false });
    }
    const members = new Map<string, WorldMember>();
    const declared = guild.members ?? [...this.users.keys()];
    for (const entry of declared) {
      const member = typeof entry === 'string' ? { user_id: entry } : entry;
      members.set(member.user_id, {
        user_id: member.user_id,
        nick: member.nick ?? null,
        roles: [...(member.roles ?? [])],
        joined_at: member.joined_at ?? DEFAULT_JOINED_AT,
      });
    }
    this.guilds.set(guild.id, {
      id: guild.id,
      name: guild.name,
      icon: guild.icon ?? null,
      owner_id: ownerId,
      roles,
      rolePermissions: new Map(roles.map((role) => [role.id, BigInt(role.permissions)])),
      members,
      channelIds: guild.channels.map((channel) => channel.id),
    });
    guild.channels.forEach((channel, index) => this.addChannel(guild.id, channel, index));
  }

  private addChannel(guildId: string, channel: SeedChannel, index: number): void {
    const overwrites: APIOverwrite[] = (channel.permission_overwrites ?? []).map((ow) => ({ ...ow }));
    for (const botId of channel.lacks_manage_webhooks ?? []) {
      // Shorthand: a member overwrite denying MANAGE_WEBHOOKS, visible in GET /guilds/{id}/channels as on Discord.
      const existing = overwrites.find((ow) => ow.type === 1 && ow.id === botId);
      if (existing) {
        existing.deny = (BigInt(existing.deny) | Perm.MANAGE_WEBHOOKS).toString();
        existing.allow = (BigInt(existing.allow) & ~Perm.MANAGE_WEBHOOKS).toString();
      } else {
        overwrites.push({ id: botId, type: 1, allow: '0', deny: Perm.MANAGE_WEBHOOKS.toString() });
      }
    }
    this.channels.set(channel.id, {
      id: channel.id,
      guild_id: guildId,
      name: channel.name,
      type: channel.type ?? ChannelType.GUILD_TEXT,
      nsfw: channel.nsfw ?? false,
      position: channel.position ?? index,
      parent_id: channel.parent_id ?? null,
      topic: channel.topic ?? null,
      permission_overwrites: overwrites,
    });
  }

  /** The bot's permissions in a channel, or null when it is not a member of the channel's guild. */
  channelPermissions(userId: string, channel: WorldChannel): bigint | null {
    const input = this.permissionInput(userId, channel.guild_id);
    if (!input) return null;
    return computeChannelPermissions({ ...input, overwrites: channel.permission_overwrites });
  }

  /** Guild-level permissions (no channel overwrites), or null for non-members. */
  guildPermissions(userId: string, guildId: string): bigint | null {
    const input = this.permissionInput(userId, guildId);
    return input ? computeBasePermissions(input) : null;
  }

  private permissionInput(userId: string, guildId: string): PermissionInput | null {
    const guild = this.guilds.get(guildId);
    const member = guild?.members.get(userId);
    if (!guild || !member) return null;
    return {
      guildId,
      ownerId: guild.owner_id,
      rolePermissions: guild.rolePermissions,
      memberId: userId,
      memberRoles: member.roles,
    };
  }

  /** Guilds a user is a member of, in seed order. */
  guildsOf(userId: string): WorldGuild[] {
    return [...this.guilds.values()].filter((guild) => guild.members.has(userId));
  }
}
