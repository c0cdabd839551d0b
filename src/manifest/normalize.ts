import type { SourceLocation } from '../errors.js';
import { readAvatar, type AvatarResult } from './avatar.js';
import type { FieldLocations } from './field-locations.js';
import { issue, type ManifestIssue } from './issues.js';
import type { RawAction, RawCommand, RawGuild, RawManifestFile, RawSlashOption, RawWebhook } from './raw-manifest.js';
import { joinPointer, type SourceMap } from './source-map.js';
import type {
  ActionDeclaration,
  AvatarDeclaration,
  CommandDeclaration,
  DiscordSettings,
  GuildDeclaration,
  RuntimeSettings,
  SlashOption,
  WebhookDeclaration,
} from './types.js';
import { parseChannelName } from './types.js';

export const DEFAULT_PREFIX = '!';
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CHANNEL_TARGET = '{{channel_id}}';
export const DEFAULT_THRESHOLDS = { minExisting: 10, updatePercent: 30, deletePercent: 30 } as const;
/** `avatar: keep` leaves the live avatar alone (a file named keep is written `./keep`). */
export const KEEP_AVATAR = 'keep';
/** Discord keeps at most 512 characters of an X-Audit-Log-Reason. */
export const MAX_AUDIT_REASON = 512;

/** A setting from one file, with where it was written, so merge can name both places of a conflict. */
export interface LocatedSetting<T> {
  value: T;
  location: SourceLocation;
}

export interface NormalizedFile {
  absolutePath: string;
  displayPath: string;
  discord: { [K in keyof DiscordSettings]?: LocatedSetting<DiscordSettings[K]> };
  runtime: { [K in keyof RuntimeSettings]?: LocatedSetting<RuntimeSettings[K]> };
  guilds: GuildDeclaration[];
}

export interface NormalizeContext {
  absolutePath: string;
  /** Directory avatars are relative to. */
  dir: string;
  map: SourceMap;
  fields: FieldLocations;
  /** Avatar reads shared across files (the same image for many webhooks is read once). */
  avatars: Map<string, Promise<AvatarResult>>;
  issues: ManifestIssue[];
  /** False for declarations with schema errors: they are left out, the rest is still checked. */
  includes(pointer: string): boolean;
  /** True for a value whose `${VAR}` is unset: it holds the text as written, so it is not checked. */
  isUnknown(pointer: string): boolean;
}

/**
 * One schema-valid file → typed declarations: camelCase, defaults applied, percentages as
 * shares, avatars read, every declaration with its source location. Returns copies; the
 * raw data is not mutated.
 */
export async function normalizeFile(raw: RawManifestFile, ctx: NormalizeContext): Promise<NormalizedFile> {
  const located = <T>(value: T, pointer: string): LocatedSetting<T> => ({ value, location: ctx.map.locate(pointer) });
  const discord: NormalizedFile['discord'] = {};
  if (raw.discord && ctx.includes('/discord')) {
    const d = raw.discord;
    discord.token = located(d.token, '/discord/token');
    if (!ctx.isUnknown('/discord/token')) checkTokenShape(d.token, ctx);
    if (d.api_base !== undefined) discord.apiBase = located(d.api_base.replace(/\/+$/, ''), '/discord/api_base');
    if (d.application_id !== undefined) discord.applicationId = located(d.application_id, '/discord/application_id');
    if (d.public_key !== undefined) {
      const publicKey = ctx.isUnknown('/discord/public_key') ? d.public_key : d.public_key.toLowerCase();
      discord.publicKey = located(publicKey, '/discord/public_key');
    }
  }
  const runtime: NormalizedFile['runtime'] = {};
  if (raw.runtime && ctx.includes('/runtime')) {
    const r = raw.runtime;
    if (r.port !== undefined) runtime.port = located(r.port, '/runtime/port');
    if (r.block_private_addresses !== undefined) runtime.blockPrivateAddresses = located(r.block_private_addresses, '/runtime/block_private_addresses');
    if (r.max_queue !== undefined) runtime.maxQueue = located(r.max_queue, '/runtime/max_queue');
  }
  const guilds = await Promise.all(included(raw.guilds, '/guilds', ctx).map(([guild, pointer]) => normalizeGuild(guild, pointer, ctx)));
  return { absolutePath: ctx.absolutePath, displayPath: ctx.map.file, discord, runtime, guilds };
}

/**
 * Mistakes that would otherwise surface as a bare 401 from Discord. The message never
 * includes the token itself.
 */
function checkTokenShape(token: string, ctx: NormalizeContext): void {
  const location = ctx.map.locate('/discord/token');
  if (/^\s*(Bot|Bearer)\s/i.test(token)) {
    const prefix = token.trim().split(/\s/)[0];
    ctx.issues.push(
      issue('token_has_prefix', `discord.token starts with "${prefix} ": give the bot token alone; cordform sends "Authorization: Bot <token>" itself`, location, { path: '/discord/token' }),
    );
  } else if (token !== token.trim()) {
    ctx.issues.push(
      issue('token_whitespace', 'discord.token has leading or trailing whitespace (often a newline from a secret store); remove it', location, { path: '/discord/token' }),
    );
  }
}

async function normalizeGuild(raw: RawGuild, pointer: string, ctx: NormalizeContext): Promise<GuildDeclaration> {
  const thresholds = raw.thresholds ?? {};
  const webhooks = await Promise.all(
    included(raw.webhooks, joinPointer(pointer, 'webhooks'), ctx).map(([webhook, at]) => normalizeWebhook(webhook, raw.id, at, ctx)),
  );
  const guild: GuildDeclaration = {
    id: raw.id,
    ...(raw.name !== undefined ? { name: raw.name } : {}),
    prune: raw.prune ?? true,
    prefix: raw.prefix ?? DEFAULT_PREFIX,
    thresholds: {
      minExisting: thresholds.min_existing ?? DEFAULT_THRESHOLDS.minExisting,
      updatePercent: (thresholds.update_percent ?? DEFAULT_THRESHOLDS.updatePercent) / 100,
      deletePercent: (thresholds.delete_percent ?? DEFAULT_THRESHOLDS.deletePercent) / 100,
    },
    webhooks,
    commands: included(raw.commands, joinPointer(pointer, 'commands'), ctx).map(([command, at]) => normalizeCommand(command, at, ctx)),
    location: ctx.map.locate(pointer),
  };
  ctx.fields.register(guild, ctx.map, pointer);
  return guild;
}

async function normalizeWebhook(raw: RawWebhook, guildId: string, pointer: string, ctx: NormalizeContext): Promise<WebhookDeclaration> {
  const webhook: WebhookDeclaration = {
    key: `${guildId}/${raw.channel}/${raw.name}`,
    guildId,
    name: raw.name,
    channel: raw.channel,
    location: ctx.map.locate(pointer),
  };
  const channelName = parseChannelName(raw.channel);
  if (channelName !== null) webhook.channelName = channelName;
  if (raw.avatar === KEEP_AVATAR) {
    webhook.keepAvatar = true;
  } else if (raw.avatar !== undefined) {
    const avatar = await loadAvatar(raw.avatar, `${pointer}/avatar`, ctx);
    if (avatar) webhook.avatar = avatar;
  }
  if (raw.id !== undefined) webhook.id = raw.id;
  if (raw.renamed_from !== undefined) webhook.renamedFrom = raw.renamed_from;
  if (raw.reason !== undefined) webhook.reason = truncateReason(raw.reason, `${pointer}/reason`, ctx);
  ctx.fields.register(webhook, ctx.map, pointer);
  return webhook;
}

/**
 * Entries of a declaration list with their pointers, without those left out for schema
 * errors. A "list" that is not one (`guilds: "x"`) has its own schema error: no entries.
 */
function included<T>(items: T[] | undefined, pointer: string, ctx: NormalizeContext): [T, string][] {
  if (!Array.isArray(items)) return [];
  return items.flatMap((item, i): [T, string][] => {
    const at = joinPointer(pointer, i);
    return ctx.includes(at) ? [[item, at]] : [];
  });
}

/**
 * Reads an avatar file (once per file across the manifest); a problem becomes an issue at
 * `pointer`. A value whose `${VAR}` is unset names no file yet, so it is not read.
 */
export async function loadAvatar(written: string, pointer: string, ctx: NormalizeContext): Promise<AvatarDeclaration | undefined> {
  if (ctx.isUnknown(pointer)) return undefined;
  const key = `${ctx.dir}\0${written}`;
  let pending = ctx.avatars.get(key);
  if (!pending) {
    pending = readAvatar(written, ctx.dir);
    ctx.avatars.set(key, pending);
  }
  const result = await pending;
  if (result.ok) return result.avatar;
  ctx.issues.push(issue(result.code, result.message, ctx.map.locate(pointer), { path: pointer }));
  return undefined;
}

function truncateReason(reason: string, pointer: string, ctx: NormalizeContext): string {
  const chars = [...reason];
  if (chars.length <= MAX_AUDIT_REASON) return reason;
  ctx.issues.push(
    issue('reason_truncated', `audit log reason is ${chars.length} characters; Discord keeps ${MAX_AUDIT_REASON}, so it is truncated`, ctx.map.locate(pointer), { path: pointer, severity: 'warning' }),
  );
  return chars.slice(0, MAX_AUDIT_REASON).join('');
}

function normalizeCommand(raw: RawCommand, pointer: string, ctx: NormalizeContext): CommandDeclaration {
  const command: CommandDeclaration = {
    name: raw.name,
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    prefix: raw.prefix ?? true,
    ...(raw.slash ? { slash: { description: raw.slash.description, options: (raw.slash.options ?? []).map((option, i) => normalizeOption(option, joinPointer(pointer, 'slash', 'options', i), ctx)) } } : {}),
    inhibitors: {
      permissions: [...(raw.permissions ?? [])],
      roles: [...(raw.roles ?? [])],
      channels: [...(raw.channels ?? [])],
      nsfw: raw.nsfw ?? false,
    },
    allowMentions: raw.allow_mentions ?? false,
    actions: raw.actions.map((action, i) => normalizeAction(action, joinPointer(pointer, 'actions', i), ctx)),
    location: ctx.map.locate(pointer),
  };
  ctx.fields.register(command, ctx.map, pointer);
  return command;
}

function normalizeOption(raw: RawSlashOption, pointer: string, ctx: NormalizeContext): SlashOption {
  const option: SlashOption = {
    type: raw.type,
    name: raw.name,
    description: raw.description,
    required: raw.required ?? false,
    ...(raw.choices ? { choices: raw.choices.map((choice) => ({ name: choice.name, value: choice.value })) } : {}),
  };
  ctx.fields.register(option, ctx.map, pointer);
  return option;
}

function normalizeAction(raw: RawAction, pointer: string, ctx: NormalizeContext): ActionDeclaration {
  const location = ctx.map.locate(pointer);
  let action: ActionDeclaration;
  switch (raw.type) {
    case 'HTTP_POST':
      action = {
        type: raw.type,
        url: raw.url,
        timeoutMs: raw.timeout_ms ?? DEFAULT_TIMEOUT_MS,
        headers: { ...(raw.headers ?? {}) },
        ...(raw.signing_secret !== undefined ? { signingSecret: raw.signing_secret } : {}),
        location,
      };
      break;
    case 'SEND_MESSAGE_TO_CHANNEL':
      action = { type: raw.type, channelId: raw.channel_id ?? DEFAULT_CHANNEL_TARGET, message: raw.message, location };
      break;
    case 'SEND_EMBED_TO_CHANNEL':
      action = { type: raw.type, channelId: raw.channel_id ?? DEFAULT_CHANNEL_TARGET, embed: structuredClone(raw.embed), location };
      break;
    case 'EXECUTE_WEBHOOK':
      action = {
        type: raw.type,
        webhook: raw.webhook,
        ...(raw.content !== undefined ? { content: raw.content } : {}),
        ...(raw.username !== undefined ? { username: raw.username } : {}),
        ...(raw.embeds !== undefined ? { embeds: structuredClone(raw.embeds) } : {}),
        location,
      };
      break;
    case 'THIRD_PARTY_MESSAGE':
      action = {
        type: raw.type,
        url: raw.url,
        token: raw.token,
        userId: raw.user_id,
        message: typeof raw.message === 'string' ? raw.message : structuredClone(raw.message),
        timeoutMs: raw.timeout_ms ?? DEFAULT_TIMEOUT_MS,
        location,
      };
      break;
    default:
      return assertNeverAction(raw);
  }
  ctx.fields.register(action, ctx.map, pointer);
  return action;
}

function assertNeverAction(value: never): never {
  throw new Error(`unexpected action ${JSON.stringify(value)}`);
}
