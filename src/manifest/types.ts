import type { SourceLocation } from '../errors.js';
import type { VariableClass } from './variable-classes.js';

/**
 * The typed manifest after loading: `${VAR}` interpolated, defaults applied, avatars read,
 * every declaration carrying the source location it came from (for error messages and
 * plan blockers). The JSON Schema in schema/manifest.schema.json is the definition of the
 * file format; a test keeps these types in sync with it.
 */
export interface Manifest {
  version: 1;
  /** Files the manifest was merged from (absolute paths). */
  files: string[];
  discord: DiscordSettings;
  runtime: RuntimeSettings;
  guilds: GuildDeclaration[];
  /**
   * `${VAR}` references left unset because the loading command did not need their class
   * (e.g. a THIRD_PARTY_MESSAGE token during `plan`): their fields hold the text as written.
   * Empty for a manifest loaded for `run`.
   */
  unresolved?: UnresolvedReference[];
}

/** A `${VAR}` that was not set and that the command did not need. */
export interface UnresolvedReference {
  variable: string;
  class: VariableClass;
  location: SourceLocation;
  /** The field's JSON pointer, e.g. `/guilds/0/commands/0/actions/0/token`. */
  path: string;
  /** The field's whole value as written: what the typed manifest holds in its place. */
  written: string;
}

export interface DiscordSettings {
  /** The bot token (already interpolated; a secret). */
  token: string;
  /** API base without trailing slash, e.g. https://discord.com/api/v10. */
  apiBase?: string;
  /** The application's id (slash commands); defaults to the bot user's id. */
  applicationId?: string;
  /** Hex Ed25519 public key used to verify interactions. */
  publicKey?: string;
}

export interface RuntimeSettings {
  /** Port for `cordform run`'s HTTP server (interactions, /healthz, /metrics). */
  port?: number;
  blockPrivateAddresses: boolean;
  /** Max queued events per command before new ones are dropped and counted. */
  maxQueue?: number;
}

export interface SafetyThresholds {
  /** Minimum owned webhooks in a guild before the percentage thresholds apply (default 10). */
  minExisting: number;
  /** Max share of owned webhooks a plan may update without --force (default 0.3). */
  updatePercent: number;
  /** Max share of owned webhooks a plan may delete without --force (default 0.3). */
  deletePercent: number;
}

export interface GuildDeclaration {
  id: string;
  name?: string;
  /** Delete owned webhooks that the manifest no longer declares (default true). */
  prune: boolean;
  /** Command prefix for message commands (default "!"). */
  prefix: string;
  thresholds: SafetyThresholds;
  webhooks: WebhookDeclaration[];
  commands: CommandDeclaration[];
  location: SourceLocation;
}

export interface AvatarDeclaration {
  /** Path as written in the manifest (relative to it). */
  path: string;
  /** `data:image/png;base64,...` ready to upload. */
  dataUri: string;
  /** MD5 hex of the file's bytes: what cordform compares with Discord's avatar hash. */
  md5: string;
}

export interface WebhookDeclaration {
  /** Stable key for --target and plan output: `GUILD_ID/CHANNEL/NAME`, the channel as written (an id or `#name`). */
  key: string;
  guildId: string;
  name: string;
  /**
   * The channel id. For a channel written by name this is the name as written (`#deploys`)
   * until the planner resolves it against the guild's channel list (`resolveChannelNames`).
   */
  channel: string;
  /** Present when the channel is written by name: `#name` or `category/#name`. */
  channelName?: ChannelNameRef;
  avatar?: AvatarDeclaration;
  /**
   * `avatar: keep`: leave the live avatar as it is (never compared, uploaded or removed).
   * Derived from the `avatar` key; `avatar` is then absent.
   */
  keepAvatar?: boolean;
  /** Adopt this existing webhook by id (may be one the bot did not create). */
  id?: string;
  /** Previous name: keeps the webhook (and its URL) across a rename. */
  renamedFrom?: string;
  /** X-Audit-Log-Reason for writes to this webhook. */
  reason?: string;
  location: SourceLocation;
}

export interface ChannelNameRef {
  /** As written, e.g. `ops/#deploys`. */
  written: string;
  /** The channel's name without `#`. */
  name: string;
  /** The category's name, when written as `category/#name`. */
  category?: string;
}

/** `#name` or `category/#name` (the schema's `channelName`); null for an id. */
export function parseChannelName(written: string): ChannelNameRef | null {
  const match = /^(?:([^/#][^/]*)\/)?#([^/]+)$/.exec(written);
  if (match === null) return null;
  return { written, name: match[2]!, ...(match[1] === undefined ? {} : { category: match[1] }) };
}

export interface CommandDeclaration {
  name: string;
  description?: string;
  /** Triggered by `<prefix><name>` messages (default true). */
  prefix: boolean;
  slash?: SlashDeclaration;
  inhibitors: CommandInhibitors;
  /** Allow @mentions in replies (default false: allowed_mentions {parse: []}). */
  allowMentions: boolean;
  actions: ActionDeclaration[];
  location: SourceLocation;
}

export interface SlashDeclaration {
  description: string;
  options: SlashOption[];
}

export interface SlashOption {
  type: 'string' | 'integer' | 'boolean' | 'user' | 'channel' | 'role' | 'number';
  name: string;
  description: string;
  required: boolean;
  choices?: { name: string; value: string | number }[];
}

export interface CommandInhibitors {
  /** Permission names (e.g. MANAGE_MESSAGES) the member must have. */
  permissions: string[];
  /** Role ids; the member needs at least one. */
  roles: string[];
  /** Channel ids the command may be used in. */
  channels: string[];
  /** Only in NSFW channels. */
  nsfw: boolean;
}

export type ActionDeclaration =
  | HttpPostAction
  | SendMessageAction
  | SendEmbedAction
  | ExecuteWebhookAction
  | ThirdPartyMessageAction;

export interface HttpPostAction {
  type: 'HTTP_POST';
  url: string;
  timeoutMs: number;
  headers: Record<string, string>;
  signingSecret?: string;
  location: SourceLocation;
}

export interface SendMessageAction {
  type: 'SEND_MESSAGE_TO_CHANNEL';
  /** Template; defaults to the triggering channel (`{{channel_id}}`). */
  channelId: string;
  message: string;
  location: SourceLocation;
}

export interface SendEmbedAction {
  type: 'SEND_EMBED_TO_CHANNEL';
  channelId: string;
  embed: Record<string, unknown>;
  location: SourceLocation;
}

export interface ExecuteWebhookAction {
  type: 'EXECUTE_WEBHOOK';
  /** Name of a webhook declared in the same guild. */
  webhook: string;
  content?: string;
  username?: string;
  embeds?: Record<string, unknown>[];
  location: SourceLocation;
}

/**
 * The contract's `message` is an "IMMsg object" whose fields it does not define: an object is
 * sent as written; a string is sent as a JSON string, for sinks that take plain text.
 */
export type ThirdPartyMessageBody = string | Record<string, unknown>;

export interface ThirdPartyMessageAction {
  type: 'THIRD_PARTY_MESSAGE';
  url: string;
  token: string;
  userId: string;
  message: ThirdPartyMessageBody;
  timeoutMs: number;
  location: SourceLocation;
}
