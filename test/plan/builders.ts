/**
 * Fluent builders of fake manifests and live state for planner tests: pure data, no
 * servers. `liveFrom(manifest)` derives the live state apply would leave behind.
 */
import type {
  APIApplicationCommand,
  APIApplicationCommandOption,
  APIAuditLogChange,
  APIAuditLogEntry,
  APIChannel,
  APIUser,
  APIWebhook,
  WebhookType,
} from '../../src/discord/types.js';
import type {
  ActionDeclaration,
  AvatarDeclaration,
  CommandDeclaration,
  CommandInhibitors,
  GuildDeclaration,
  Manifest,
  SafetyThresholds,
  SlashDeclaration,
  WebhookDeclaration,
} from '../../src/manifest/types.js';
import { parseChannelName } from '../../src/manifest/types.js';
import { permissionBits } from '../../src/discord/permissions.js';
import type { LiveGuild, LiveState } from '../../src/live/live-state.js';

export const BOT_ID = '900000000000000001';
export const APP_ID = '900000000000000001';
export const HUMAN_ID = '800000000000000001';
export const BOT_TOKEN = 'BOT-TOKEN-aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbb.cccccccccccc';

export function avatar(path: string, md5: string): AvatarDeclaration {
  return { path, md5, dataUri: `data:image/png;base64,AVATAR-BYTES-${md5}` };
}

interface WebhookOptions {
  avatar?: AvatarDeclaration;
  id?: string;
  renamedFrom?: string;
  reason?: string;
}

interface GuildOptions {
  prune?: boolean;
  thresholds?: Partial<SafetyThresholds>;
}

interface CommandOptions {
  slash?: SlashDeclaration;
  actions?: ActionDeclaration[];
  inhibitors?: Partial<CommandInhibitors>;
}

/** What a live command carries besides name, description and options. */
export interface LiveCommandAccess {
  default_member_permissions?: string | null;
  nsfw?: boolean;
}

export class ManifestBuilder {
  private readonly guilds: GuildDeclaration[] = [];
  private line = 1;

  guild(id: string, options: GuildOptions = {}): this {
    this.guilds.push({
      id,
      prune: options.prune ?? true,
      prefix: '!',
      thresholds: { minExisting: 10, updatePercent: 0.3, deletePercent: 0.3, ...options.thresholds },
      webhooks: [],
      commands: [],
      location: this.nextLocation(),
    });
    return this;
  }

  webhook(name: string, channel: string, options: WebhookOptions = {}): this {
    const guild = this.current();
    const channelName = parseChannelName(channel);
    const declaration: WebhookDeclaration = {
      key: `${guild.id}/${channel}/${name}`,
      guildId: guild.id,
      name,
      channel,
      ...(channelName === null ? {} : { channelName }),
      location: this.nextLocation(),
      ...options,
    };
    guild.webhooks.push(declaration);
    return this;
  }

  command(name: string, options: CommandOptions = {}): this {
    const command: CommandDeclaration = {
      name,
      prefix: true,
      inhibitors: { permissions: [], roles: [], channels: [], nsfw: false, ...options.inhibitors },
      allowMentions: false,
      actions: options.actions ?? [],
      location: this.nextLocation(),
      ...(options.slash === undefined ? {} : { slash: options.slash }),
    };
    this.current().commands.push(command);
    return this;
  }

  build(): Manifest {
    return {
      version: 1,
      files: ['/repo/cordform.yaml'],
      discord: { token: BOT_TOKEN },
      runtime: { blockPrivateAddresses: true },
      guilds: structuredClone(this.guilds),
    };
  }

  private current(): GuildDeclaration {
    const guild = this.guilds.at(-1);
    if (guild === undefined) throw new Error('call .guild() first');
    return guild;
  }

  private nextLocation() {
    return { file: 'cordform.yaml', line: this.line++, column: 5 };
  }
}

export const manifestBuilder = (): ManifestBuilder => new ManifestBuilder();

export type Creator = 'bot' | 'human' | 'app';

export interface LiveWebhookOptions {
  id: string;
  channel: string;
  name: string;
  avatar?: string | null;
  creator?: Creator;
  type?: WebhookType;
}

export class LiveBuilder {
  private botUser: APIUser = user(BOT_ID, 'cordform-bot', true);
  private readonly guilds: LiveGuild[] = [];

  bot(id: string): this {
    this.botUser = user(id, 'cordform-bot', true);
    return this;
  }

  /** `channels`: ids (named `channel-ID`) or channel objects (name, type, parent_id). */
  guild(guildId: string, options: { channels?: (string | APIChannel)[] | null; commands?: APIApplicationCommand[] | null; name?: string } = {}): this {
    this.guilds.push({
      guildId,
      webhooks: [],
      channels:
        options.channels === undefined || options.channels === null
          ? null
          : options.channels.map((c) => (typeof c === 'string' ? channel(c, guildId) : { guild_id: guildId, ...c })),
      ...(options.name === undefined ? {} : { name: options.name }),
      commands: options.commands ?? null,
    });
    return this;
  }

  webhook(options: LiveWebhookOptions): this {
    const guild = this.current();
    guild.webhooks.push(liveWebhook(guild.guildId, options, this.botUser.id));
    return this;
  }

  /**
   * The guild's audit log as the plan's second phase reads it: webhook entries (see
   * `auditEntry`) naming the bot, `alice` (HUMAN_ID) or other users; `'unreadable'` = Discord
   * refused the read (no VIEW_AUDIT_LOG).
   */
  auditLog(entries: APIAuditLogEntry[] | 'unreadable', users: APIUser[] = [this.botUser, user(HUMAN_ID, 'alice', false)]): this {
    this.current().auditLog = entries === 'unreadable' ? { readable: false } : { readable: true, entries, users };
    return this;
  }

  /** `count` bot-owned webhooks named `prefix-N` in a channel (limit tests). */
  fill(channelId: string, count: number, prefix = 'filler', creator: Creator = 'bot'): this {
    const start = this.current().webhooks.length;
    for (let i = 0; i < count; i++) {
      this.webhook({ id: snowflake(7, start + i), channel: channelId, name: `${prefix}-${i}`, creator });
    }
    return this;
  }

  build(): LiveState {
    return { bot: this.botUser, applicationId: APP_ID, guilds: structuredClone(this.guilds) };
  }

  private current(): LiveGuild {
    const guild = this.guilds.at(-1);
    if (guild === undefined) throw new Error('call .guild() first');
    return guild;
  }
}

export const liveBuilder = (): LiveBuilder => new LiveBuilder();

export function liveWebhook(guildId: string, options: LiveWebhookOptions, botId = BOT_ID): APIWebhook {
  const creator = options.creator ?? 'bot';
  const token = `WEBHOOK-TOKEN-${options.id}-zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz`;
  return {
    id: options.id,
    type: options.type ?? 1,
    guild_id: guildId,
    channel_id: options.channel,
    name: options.name,
    avatar: options.avatar ?? null,
    application_id: creator === 'app' ? '700000000000000001' : null,
    ...(creator === 'app' ? {} : { user: creator === 'bot' ? user(botId, 'cordform-bot', true) : user(HUMAN_ID, 'alice', false) }),
    token,
    url: `https://discord.com/api/webhooks/${options.id}/${token}`,
  };
}

function user(id: string, username: string, bot: boolean): APIUser {
  return { id, username, discriminator: '0', avatar: null, bot };
}

function channel(id: string, guildId: string): APIChannel {
  return { id, type: 0, guild_id: guildId, name: `channel-${id}` };
}

export interface AuditEntryOptions {
  /** Orders entries: a larger `n` is a later entry. */
  n: number;
  /** The webhook written to (its id). */
  target: string;
  /** Who wrote: a user id, or null (the webhook's own token). Default: alice (HUMAN_ID). */
  by?: string | null;
  /** 51 WEBHOOK_UPDATE (default) or 52 WEBHOOK_DELETE. */
  action?: 51 | 52;
  /** key → [old, new]; a null side is left out, as Discord does. */
  changes: Record<string, [unknown, unknown]>;
  reason?: string;
}

/** A webhook audit log entry as Discord returns it. */
export function auditEntry(options: AuditEntryOptions): APIAuditLogEntry {
  const changes: APIAuditLogChange[] = Object.entries(options.changes).map(([key, [from, to]]) => ({
    key,
    ...(from === null ? {} : { old_value: from }),
    ...(to === null ? {} : { new_value: to }),
  }));
  return {
    id: snowflake(4, options.n),
    target_id: options.target,
    user_id: options.by === undefined ? HUMAN_ID : options.by,
    action_type: options.action ?? 51,
    changes,
    ...(options.reason === undefined ? {} : { reason: options.reason }),
  };
}

/** A deterministic 18-digit snowflake. */
export function snowflake(prefix: number, n: number): string {
  return `${prefix}${String(n).padStart(17, '0')}`;
}

/** The live state apply would leave behind for a manifest (pins stay with their human creator). */
export function liveFrom(manifest: Manifest): LiveState {
  let next = 0;
  const guilds = manifest.guilds.map((guild): LiveGuild => ({
    guildId: guild.id,
    webhooks: guild.webhooks.map((w) =>
      liveWebhook(guild.id, {
        id: w.id ?? snowflake(5, next++),
        channel: w.channel,
        name: w.name,
        avatar: w.avatar?.md5 ?? null,
        creator: w.id === undefined ? 'bot' : 'human',
      }),
    ),
    channels: [...new Set(guild.webhooks.map((w) => w.channel))].map((id) => channel(id, guild.id)),
    commands: guild.commands.flatMap((c) => (c.slash === undefined ? [] : [liveCommand(guild.id, c.name, c.slash, next++, commandAccess(c.inhibitors))])),
  }));
  return { bot: user(BOT_ID, 'cordform-bot', true), applicationId: APP_ID, guilds };
}

function commandAccess(inhibitors: CommandInhibitors): LiveCommandAccess {
  const bits = permissionBits(inhibitors.permissions);
  return { default_member_permissions: inhibitors.permissions.length === 0 || bits === null ? null : bits.toString(), nsfw: inhibitors.nsfw };
}

export function liveCommand(guildId: string, name: string, slash: SlashDeclaration, n = 0, access: LiveCommandAccess = {}): APIApplicationCommand {
  const types = { string: 3, integer: 4, boolean: 5, user: 6, channel: 7, role: 8, number: 10 } as const;
  const options: APIApplicationCommandOption[] = slash.options.map((o) => ({
    type: types[o.type],
    name: o.name,
    description: o.description,
    ...(o.required ? { required: true } : {}),
    ...(o.choices === undefined ? {} : { choices: o.choices }),
  }));
  return {
    id: snowflake(6, n),
    type: 1,
    application_id: APP_ID,
    guild_id: guildId,
    name,
    description: slash.description,
    ...(options.length > 0 ? { options } : {}),
    default_member_permissions: access.default_member_permissions ?? null,
    ...(access.nsfw === undefined ? {} : { nsfw: access.nsfw }),
    version: snowflake(6, n),
  };
}
