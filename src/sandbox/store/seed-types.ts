import type { APIOverwrite, Snowflake } from '../../discord/types.js';

/**
 * The world a sandbox starts from: bots (with tokens), human users, guilds with their
 * channels, roles and members, and optionally webhooks that already exist. Written as YAML
 * or JSON (`--seed FILE`, see docs/sandbox.md, schema/sandbox-seed.schema.json and
 * examples/sandbox-seed.yaml).
 *
 * Permissions follow Discord's algorithm (https://discord.com/developers/docs/topics/permissions):
 * @everyone + member roles, then channel overwrites. `lacks_manage_webhooks` on a channel is
 * shorthand for a member overwrite that denies MANAGE_WEBHOOKS to those bots there.
 */
export interface SeedBot {
  id: Snowflake;
  username: string;
  token: string;
  /** Defaults to the bot's id, as for every modern Discord application. */
  application_id?: Snowflake;
  /** Whether the privileged MESSAGE_CONTENT intent is allowed (default true). */
  message_content?: boolean;
  /** IDENTIFYs allowed per 24 h (default 1000, Discord's); past it the token is reset. */
  session_start_limit?: number;
  /**
   * GET /gateway/bot `session_start_limit.max_concurrency` (default 1): shards whose
   * `shard_id % max_concurrency` match share one IDENTIFY per 5 s; more get op 9.
   */
  max_concurrency?: number;
  /** GET /gateway/bot `shards`, the recommended shard count (default: one per 1000 guilds, at least 1). */
  shards?: number;
  /**
   * Guilds one session may handle; an IDENTIFY whose shard would hold more is closed with
   * 4011 (default 2500, Discord's; a small value exercises 4011 with a small seed).
   */
  max_guilds_per_shard?: number;
  /** Large-bot sharding: the shard count must be a multiple of this, else IDENTIFY is closed with 4010. */
  shard_multiple?: number;
  /**
   * The sandbox signs interactions with a key derived from the application id (see
   * GET /__sandbox/applications); a different key here makes POST /__sandbox/interactions refuse.
   */
  public_key?: string;
  avatar?: string | null;
  /**
   * The application's interactions endpoint URL. Without one, interactions reach the bot as
   * INTERACTION_CREATE over the gateway, as on Discord.
   */
  interactions_endpoint_url?: string;
}

interface SeedUser {
  id: Snowflake;
  username: string;
  global_name?: string | null;
  avatar?: string | null;
}

interface SeedRole {
  id: Snowflake;
  name: string;
  /** Permission bit set as a decimal string, as Discord sends it. */
  permissions: string;
  position?: number;
  /** Whether anyone may mention it (default false; MENTION_EVERYONE mentions it anyway). */
  mentionable?: boolean;
}

interface SeedMember {
  user_id: Snowflake;
  nick?: string | null;
  roles?: Snowflake[];
  joined_at?: string;
}

export interface SeedChannel {
  id: Snowflake;
  name: string;
  /** 0 text (default), 2 voice, 4 category, 5 announcement, 13 stage, 15 forum, 16 media. */
  type?: number;
  nsfw?: boolean;
  position?: number;
  parent_id?: Snowflake | null;
  topic?: string | null;
  permission_overwrites?: APIOverwrite[];
  /** Bot ids that lack MANAGE_WEBHOOKS in this channel. */
  lacks_manage_webhooks?: Snowflake[];
}

export interface SeedGuild {
  id: Snowflake;
  name: string;
  /** Defaults to the first declared human user (or the first bot when there is none). */
  owner_id?: Snowflake;
  icon?: string | null;
  /** Roles; a role whose id equals the guild id overrides @everyone. */
  roles?: SeedRole[];
  /** Member user ids or member objects; defaults to every declared bot and user. */
  members?: Array<Snowflake | SeedMember>;
  channels: SeedChannel[];
}

export interface SeedWebhook {
  id: Snowflake;
  channel_id: Snowflake;
  name: string;
  /** The user (bot or human) that created it; a bot's application then owns it. */
  creator_id: Snowflake;
  /** Defaults to a random token. */
  token?: string;
  /** An avatar hash (not image data). */
  avatar?: string | null;
}

export interface SandboxSeed {
  bots: SeedBot[];
  users?: SeedUser[];
  guilds: SeedGuild[];
  webhooks?: SeedWebhook[];
}

export const DEFAULT_BOT_ID = '100000000000000010';
export const DEFAULT_BOT_TOKEN = 'sandbox-bot-token';
export const OTHER_BOT_ID = '100000000000000030';
export const OTHER_BOT_TOKEN = 'sandbox-other-bot-token';
export const DEFAULT_USER_ID = '100000000000000020';
export const DEFAULT_GUILD_ID = '100000000000000001';
export const GENERAL_CHANNEL_ID = '100000000000000002';
export const DEPLOYS_CHANNEL_ID = '100000000000000003';

/** Freezes a value and everything in it, so a shared constant cannot be changed by accident. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The world `cordform sandbox` starts with when no `--seed` is given (deeply frozen). */
export const DEFAULT_SEED: SandboxSeed = deepFreeze<SandboxSeed>({
  bots: [
    {
      id: DEFAULT_BOT_ID,
      username: 'cordform-sandbox',
      token: DEFAULT_BOT_TOKEN,
      message_content: true,
    },
    {
      id: OTHER_BOT_ID,
      username: 'other-bot',
      token: OTHER_BOT_TOKEN,
      message_content: true,
    },
  ],
  users: [{ id: DEFAULT_USER_ID, username: 'sandbox-user', global_name: 'Sandbox User' }],
  guilds: [
    {
      id: DEFAULT_GUILD_ID,
      name: 'Sandbox',
      owner_id: DEFAULT_USER_ID,
      members: [DEFAULT_USER_ID, DEFAULT_BOT_ID, OTHER_BOT_ID],
      channels: [
        { id: GENERAL_CHANNEL_ID, name: 'general', type: 0, position: 0 },
        { id: DEPLOYS_CHANNEL_ID, name: 'deploys', type: 0, position: 1 },
      ],
    },
  ],
});
