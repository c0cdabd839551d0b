/**
 * The Plan: pure, JSON-serializable data produced by `buildPlan` and consumed by the
 * renderers (text, JSON, Markdown), `cordform apply` and saved plan files (`--out`).
 *
 * Naming: values that mirror a Discord field keep Discord's snake_case (`channel_id`,
 * `avatar`, request bodies, `path_template`); the plan's own structure is camelCase.
 * Nothing in a Plan is a secret: no bot token, no webhook token, no webhook URL, no avatar
 * data URI (avatars are referenced by manifest path + MD5 and re-read by apply).
 *
 * Bump PLAN_FORMAT_VERSION on any incompatible change to these types; apply refuses plan
 * files with another version.
 */
import type { SourceLocation } from '../errors.js';
import type { CommandWrite } from './canonical-command.js';

export const PLAN_FORMAT_VERSION = 2;

export interface PlanOptions {
  /**
   * `--target`: webhook keys (`GUILD_ID/CHANNEL_ID/NAME`), webhook names, or
   * `GUILD_ID/commands` for a guild's slash command sync. Empty or absent = full plan.
   */
  targets?: string[];
}

/** How a change relates to the webhook it touches. */
export type Ownership = 'managed' | 'adopted' | 'foreign';

/** Class of a live webhook, as shown by `--verbose`. Only `managed` ones are ever pruned. */
export type WebhookClass = 'managed' | 'foreign' | 'channel_follower' | 'application';

export interface FieldDiff {
  from: unknown;
  to: unknown;
}

/** Changed fields by name (`name`, `channel_id`, `avatar`; for commands, see SyncCommandsChange). */
export type FieldDiffs = Record<string, FieldDiff>;

/** Stands in for an avatar data URI: apply re-reads `path` and checks `md5` before upload. */
export interface AvatarReference {
  path: string;
  md5: string;
}

export interface CreateRequest {
  method: 'POST';
  path_template: '/channels/{channel.id}/webhooks';
  params: { 'channel.id': string };
  body: { name: string; avatar?: AvatarReference };
}

export interface ModifyRequest {
  method: 'PATCH';
  path_template: '/webhooks/{webhook.id}';
  params: { 'webhook.id': string };
  /** Only the fields that change. `avatar: null` removes the avatar. */
  body: { name?: string; channel_id?: string; avatar?: AvatarReference | null };
}

export interface DeleteRequest {
  method: 'DELETE';
  path_template: '/webhooks/{webhook.id}';
  params: { 'webhook.id': string };
  body: null;
}

export interface BulkOverwriteRequest {
  method: 'PUT';
  path_template: '/applications/{application.id}/guilds/{guild.id}/commands';
  params: { 'application.id': string; 'guild.id': string };
  /** The complete declared command set: a bulk overwrite replaces every guild command. */
  body: CommandWrite[];
}

/** A create expects that no webhook with this name exists in the channel yet (no duplicates on retry). */
export interface AbsentPrecondition {
  exists: false;
  name: string;
  channel_id: string;
}

/** Anything else expects the webhook exactly as it was when the plan was computed. */
export interface PresentPrecondition {
  exists: true;
  webhook_id: string;
  name: string | null;
  channel_id: string | null;
  avatar: string | null;
}

/** A command sync expects the guild's commands unchanged: sha256 of their canonical form. */
export interface CommandsPrecondition {
  commands_sha256: string;
}

interface WebhookChangeBase {
  /** `GUILD_ID/CHANNEL_ID/NAME` (the declaration's key; for deletes, built from the live webhook). */
  key: string;
  guildId: string;
  /** The channel the webhook is in after the change (for a move: the destination). */
  channelId: string;
  name: string;
  ownership: Ownership;
  fields: FieldDiffs;
  /** The declaration's `reason` (sent as X-Audit-Log-Reason). */
  reason?: string;
  /** The declaration's place in the manifest. */
  location?: SourceLocation;
  /** Human note attached to this change (e.g. how the avatar was compared). */
  note?: string;
  /** Drift: who changed or deleted this webhook out of band, from the guild's audit log. */
  attribution?: Attribution;
}

/**
 * An audit log entry that explains drift: a write to a managed webhook by someone other than
 * this bot (a person, another bot, or the webhook's own token). cordform's own writes are
 * made as the bot, so they are never attributed.
 */
export interface Attribution {
  /** Who made the write; null when Discord names nobody (a write with the webhook's own token). */
  userId: string | null;
  /** Their username from the audit log's `users`; null when it does not list them. */
  userName: string | null;
  /** ISO 8601 (UTC), from the entry id (a snowflake). */
  at: string;
  /** The write's X-Audit-Log-Reason; null when it had none. */
  reason: string | null;
  /** 51 WEBHOOK_UPDATE (renamed, moved, new avatar) or 52 WEBHOOK_DELETE. */
  actionType: number;
  /** The audit log entry's id. */
  entryId: string;
}

export interface CreateChange extends WebhookChangeBase {
  action: 'create';
  request: CreateRequest;
  precondition: AbsentPrecondition;
}

interface ExistingWebhookChange extends WebhookChangeBase {
  webhookId: string;
  precondition: PresentPrecondition;
}

export interface UpdateChange extends ExistingWebhookChange {
  action: 'update';
  request: ModifyRequest;
}

/** A channel change: PATCH `channel_id`, which keeps the webhook's id, URL and token. */
export interface MoveChange extends ExistingWebhookChange {
  action: 'move';
  request: ModifyRequest;
}

/** An `id:` pin taking over a webhook the bot did not create, with the field updates it needs. */
export interface AdoptChange extends ExistingWebhookChange {
  action: 'adopt';
  request: ModifyRequest;
}

export interface DeleteChange extends ExistingWebhookChange {
  action: 'delete';
  request: DeleteRequest;
}

/**
 * A delete and a create of the same name in one guild, shown and executed as one change:
 * the webhook's URL changes (a new id and token). Discord cannot reset a webhook token, so
 * this is also how `rotate` gives a webhook a new URL. `webhookId` and `precondition` are
 * the old webhook's; `request` creates the new one, then `deleteRequest` removes the old one
 * — in the other order when the channel is full (`order: 'delete_first'`).
 */
export interface ReplaceChange extends ExistingWebhookChange {
  action: 'replace';
  request: CreateRequest;
  deleteRequest: DeleteRequest;
  /** What the create expects: no webhook of this name in the channel yet (the old one aside). */
  createPrecondition: AbsentPrecondition;
  order: 'create_first' | 'delete_first';
  /** Why the URL changes, in words (a rotation, or a move that could not keep the webhook). */
  why: string;
}

/**
 * One bulk overwrite of a guild's slash commands. `fields` holds per-command diffs:
 * `NAME` → `{from: null, to: command}` (added) or `{from: command, to: null}` (removed),
 * and `NAME.FIELD` → `{from, to}` for a changed field of a kept command.
 */
export interface SyncCommandsChange {
  action: 'sync_commands';
  /** `GUILD_ID/commands` */
  key: string;
  guildId: string;
  channelId: null;
  name: 'slash commands';
  ownership: 'managed';
  fields: FieldDiffs;
  commands: { create: string[]; update: string[]; delete: string[] };
  request: BulkOverwriteRequest;
  precondition: CommandsPrecondition;
  location?: SourceLocation;
}

export type WebhookChange = CreateChange | UpdateChange | MoveChange | AdoptChange | DeleteChange | ReplaceChange;
export type Change = WebhookChange | SyncCommandsChange;
export type ChangeAction = Change['action'];

export type BlockerCode =
  | 'guild_not_read'
  | 'channel_missing'
  | 'channel_not_webhook_capable'
  | 'channel_limit'
  | 'guild_limit'
  | 'pin_missing'
  | 'pin_untouchable'
  | 'double_claim'
  /** `renamed_from` names a webhook the bot owns in more than one channel of the guild. */
  | 'rename_ambiguous'
  /** The bot lacks MANAGE_WEBHOOKS or VIEW_CHANNEL in a channel the plan writes to. */
  | 'missing_permissions'
  /** A channel written by name (`#deploys`) that matches no channel of the guild. */
  | 'channel_name_missing'
  /** A channel name that matches several channels: write `category/#name` or the id. */
  | 'channel_name_ambiguous'
  /** `rotate` of a webhook that does not exist, is not the bot's, or is not in its declared state. */
  | 'rotate_impossible';

/** A reason apply must refuse to start. */
export interface Blocker {
  code: BlockerCode;
  message: string;
  guildId: string;
  key?: string;
  location?: SourceLocation;
}

export type WarningCode =
  | 'partial_plan'
  | 'rename_hint'
  /** `renamed_from` matched nothing and the new name does not exist either: a create. */
  | 'rename_unmatched'
  | 'adopt_hint'
  | 'ambiguous_move'
  | 'delete'
  | 'adopt'
  | 'avatar_hash'
  | 'commands_not_read'
  /** The bot may not read the guild's audit log: drift is not attributed, renamed webhooks are not renamed back. */
  | 'audit_log_unreadable'
  /** The audit log shows a managed webhook was renamed or moved, but which declaration it belongs to is not certain. */
  | 'drift_unpaired';

export interface Warning {
  code: WarningCode;
  message: string;
  guildId?: string;
  key?: string;
  location?: SourceLocation;
}

/** A live webhook the plan leaves alone, with why (shown by `--verbose`). */
export interface IgnoredWebhook {
  webhookId: string;
  guildId: string;
  name: string | null;
  channelId: string | null;
  class: WebhookClass;
  reason: string;
}

/** octoDNS-style safety threshold, per guild. */
export interface GuildThreshold {
  guildId: string;
  /** Live webhooks of class `managed` in the guild. */
  owned: number;
  /** update + move changes (webhooks the bot owns being modified). */
  updates: number;
  /** delete + replace changes (webhooks whose URL stops working). */
  deletes: number;
  minExisting: number;
  updatePercent: number;
  deletePercent: number;
  /** owned ≥ minExisting and (updates/owned > updatePercent or deletes/owned > deletePercent). */
  requiresForce: boolean;
}

export interface PlanSummary {
  create: number;
  update: number;
  move: number;
  delete: number;
  adopt: number;
  /** Delete + create of one name (the URL changes): counted here only, not in create/delete. */
  replace: number;
  /** Number of `sync_commands` changes (guilds whose slash commands are overwritten). */
  commands: number;
}

export interface PlanFingerprints {
  /** sha256 (hex) of the normalized live state of the declared guilds. */
  live: string;
  /** sha256 (hex) of the normalized manifest, secrets and source positions left out. */
  manifest: string;
}

export interface Plan {
  format_version: typeof PLAN_FORMAT_VERSION;
  /** The `--target` list this plan was limited to; empty = full plan. */
  targets: string[];
  /** In execution order. */
  changes: Change[];
  summary: PlanSummary;
  blockers: Blocker[];
  warnings: Warning[];
  ignored: IgnoredWebhook[];
  thresholds: GuildThreshold[];
  /**
   * Only in a plan saved with `plan --out` (see apply/saved-plan.ts): hashing the whole live
   * state and manifest is work no other plan needs.
   */
  fingerprints?: PlanFingerprints;
  /**
   * Names of the guilds and channels the plan mentions, where Discord told them (they are
   * read for every guild with changes); ids stay the identity everywhere else.
   */
  names: PlanNames;
  /** What an apply of this plan needs: `--max-deletes N` and/or `--force`, and why. */
  guards: RequiredFlags;
}

export interface PlanNames {
  /** guild id → name */
  guilds: Record<string, string>;
  /** channel id → `#name`, or `category/#name` for a channel in a category */
  channels: Record<string, string>;
}

export interface RequiredFlags {
  /** `--max-deletes N` is needed (N = the plan's deletes and replacements). */
  maxDeletes?: number;
  force: boolean;
  /** One sentence per guard that fires. */
  reasons: string[];
}
