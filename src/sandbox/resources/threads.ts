import { Intent } from '../../discord/types.js';
import type { SandboxCore } from '../context.js';
import { cannotUseChannelType, FieldErrors, FormErrors, SandboxHttpError } from '../http/errors.js';
import { Perm } from '../store/permissions.js';
import { toApiThread } from '../store/serialize.js';
import { discordTimestamp, snowflakeTime } from '../store/snowflake.js';
import { ChannelType, isThread, THREAD_TYPES, type ThreadType } from '../store/channel-types.js';
import type { StoredThread } from '../store/thread-store.js';
import type { WorldChannel } from '../store/world.js';
import { notifyGateway } from './notify-gateway.js';
import { checkThreadName, requireObject } from './validation.js';

/**
 * Threads (https://discord.com/developers/docs/topics/threads): started from a message
 * (public, the thread's id is the message's), without one (private by default), or as a post
 * in a forum or media channel (public, with a first message whose id is the thread's). Each
 * dispatches THREAD_CREATE (GUILDS intent) to the sessions that may see it.
 */
const ARCHIVE_DURATIONS = [60, 1440, 4320, 10080] as const;
type ArchiveDuration = (typeof ARCHIVE_DURATIONS)[number];

export const threadAlreadyCreated = () =>
  new SandboxHttpError(400, { code: 160004, message: 'A thread has already been created for this message' });

export interface ThreadInput {
  name: string;
  autoArchiveDuration: ArchiveDuration;
  rateLimitPerUser: number;
  /** Start Thread without Message only. */
  type?: number;
  invitable?: boolean;
  appliedTags: string[];
}

type Json = Record<string, unknown>;

/** The thread fields of a body (name 1–100, auto_archive_duration, rate_limit_per_user, type, invitable, applied_tags). */
export function checkThreadBody(raw: unknown, errors: FormErrors): ThreadInput {
  const body = requireObject(raw);
  const name = checkThreadName(body.name, ['name'], true, errors);
  const duration = body.auto_archive_duration ?? 4320;
  if (!ARCHIVE_DURATIONS.includes(duration as ArchiveDuration)) {
    errors.add(['auto_archive_duration'], FieldErrors.choices(ARCHIVE_DURATIONS));
  }
  const rate = body.rate_limit_per_user ?? 0;
  if (!Number.isInteger(rate)) errors.add(['rate_limit_per_user'], FieldErrors.notInt(rate));
  else if ((rate as number) < 0) errors.add(['rate_limit_per_user'], FieldErrors.numberMin(0));
  else if ((rate as number) > 21600) errors.add(['rate_limit_per_user'], FieldErrors.numberMax(21600));
  const input: ThreadInput = {
    name: name ?? '',
    autoArchiveDuration: duration as ArchiveDuration,
    rateLimitPerUser: Number.isInteger(rate) ? (rate as number) : 0,
    appliedTags: checkTags(body.applied_tags, errors),
  };
  if (body.type !== undefined && body.type !== null) {
    if (!isThread(body.type as number)) errors.add(['type'], FieldErrors.choices(THREAD_TYPES));
    else input.type = body.type as number;
  }
  if (body.invitable !== undefined && body.invitable !== null) input.invitable = body.invitable === true;
  return input;
}

/** The sandbox models no forum tags, so any tag id is unknown. */
function checkTags(value: unknown, errors: FormErrors): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) errors.add(['applied_tags'], FieldErrors.array());
  else value.forEach((tag: unknown, i) => errors.add(['applied_tags', i], { code: 'APPLIED_TAGS_INVALID', message: `Unknown tag ${String(tag)}` }));
  return [];
}

/**
 * The thread type for Start Thread without Message: private (12) unless `type` says otherwise;
 * private threads only in text channels, announcement threads only in announcement channels.
 */
export function threadTypeFor(parent: WorldChannel, requested: number | undefined, fromMessage: boolean): ThreadType {
  if (parent.type !== ChannelType.GUILD_TEXT && parent.type !== ChannelType.GUILD_ANNOUNCEMENT) throw cannotUseChannelType();
  const natural = parent.type === ChannelType.GUILD_ANNOUNCEMENT ? ChannelType.ANNOUNCEMENT_THREAD : ChannelType.PUBLIC_THREAD;
  if (fromMessage) return natural;
  const type = requested ?? ChannelType.PRIVATE_THREAD;
  if (type === ChannelType.PRIVATE_THREAD && parent.type === ChannelType.GUILD_TEXT) return type;
  if (type !== natural) throw cannotUseChannelType();
  return natural;
}

/** Stores a new thread (the creator is its first member) and dispatches THREAD_CREATE. */
export function createThread(
  core: SandboxCore,
  parent: WorldChannel,
  options: { id: string; type: ThreadType; ownerId: string; input: ThreadInput },
): StoredThread {
  const now = discordTimestamp(snowflakeTime(options.id));
  const thread: StoredThread = {
    id: options.id,
    guild_id: parent.guild_id,
    parent_id: parent.id,
    type: options.type,
    name: options.input.name,
    owner_id: options.ownerId,
    created_at: now,
    archived: false,
    locked: false,
    ...(options.type === ChannelType.PRIVATE_THREAD ? { invitable: options.input.invitable ?? true } : {}),
    auto_archive_duration: options.input.autoArchiveDuration,
    archive_timestamp: now,
    rate_limit_per_user: options.input.rateLimitPerUser,
    member_ids: core.state.world.users.has(options.ownerId) ? [options.ownerId] : [],
    total_message_sent: 0,
    applied_tags: options.input.appliedTags,
  };
  core.state.putThread(thread);
  dispatchThreadCreate(core, thread);
  return thread;
}

/** THREAD_CREATE (`newly_created: true`) to every bot in the guild that can see the thread. */
function dispatchThreadCreate(core: SandboxCore, thread: StoredThread): void {
  const { state } = core;
  const channel = state.channel(thread.id);
  const guild = state.world.guilds.get(thread.guild_id);
  if (!channel || !guild) return;
  for (const botId of guild.members.keys()) {
    if (!state.world.bots.has(botId)) continue;
    if (!state.can(botId, channel, Perm.VIEW_CHANNEL)) continue;
    const payload: Json = { ...toApiThread(thread, 0, null, botId), newly_created: true };
    notifyGateway(() => core.hub().dispatchGuildEvent('THREAD_CREATE', thread.guild_id, Intent.GUILDS, () => payload, botId));
  }
}
