import type { APIMessage, APIUser } from '../../discord/types.js';
import type { SandboxCore } from '../context.js';
import { cannotReplyWithoutHistory, emptyMessage, FormErrors } from '../http/errors.js';
import type { FileInput } from '../http/io.js';
import { Perm } from '../store/permissions.js';
import { toApiMember, toApiUser } from '../store/serialize.js';
import { discordTimestamp, snowflakeTime } from '../store/snowflake.js';
import type { StoredWebhook } from '../store/webhook-store.js';
import type { WorldChannel } from '../store/world.js';
import { resolveMentions, type AllowedMentions } from './allowed-mentions.js';
import { MessageFlag, type MessageEdit, type MessageInput, type ReplyInput } from './message-body.js';
import { notifyGateway } from './notify-gateway.js';
import { reactionsFor } from './reactions.js';

/**
 * Message objects as Discord sends them in responses and MESSAGE_CREATE
 * (https://discord.com/developers/docs/resources/message#message-object). Every stored
 * message is also dispatched to the gateway, as Discord does for bot, user and webhook messages.
 */
export type SandboxMessage = APIMessage & { guild_id: string } & Record<string, unknown>;

/** https://discord.com/developers/docs/resources/message#message-object-message-types */
const MessageType = { DEFAULT: 0, REPLY: 19 } as const;

interface Author {
  user: APIUser;
  /** The user id of a user or bot (a guild member); null for a webhook. */
  userId: string | null;
  webhookId?: string;
  applicationId?: string;
}

/** `id`: given for the first message of a forum post, which shares the thread's id. */
export interface NewMessageOptions {
  id?: string;
}

function buildMessage(
  core: SandboxCore,
  channel: WorldChannel,
  author: Author,
  input: MessageInput,
  replyTo: SandboxMessage | null,
  options: NewMessageOptions,
): SandboxMessage {
  const { state } = core;
  const id = options.id ?? state.snowflakes.next();
  const member = author.userId ? state.world.guilds.get(channel.guild_id)?.members.get(author.userId) : undefined;
  const repliedAuthorId = replyTo && !replyTo.webhook_id ? replyTo.author.id : undefined;
  return {
    id,
    type: replyTo ? MessageType.REPLY : MessageType.DEFAULT,
    channel_id: channel.id,
    guild_id: channel.guild_id,
    author: author.user,
    ...(member ? { member: toApiMember(member, undefined, false) } : {}),
    content: input.content,
    timestamp: discordTimestamp(snowflakeTime(id)),
    edited_timestamp: null,
    tts: input.tts,
    ...resolveMentions(core, input.content, {
      channel,
      authorId: author.userId,
      allowed: input.allowedMentions,
      ...(repliedAuthorId ? { repliedAuthorId } : {}),
    }),
    attachments: input.attachments.map((file) => toAttachment(core, channel.id, id, file)),
    embeds: input.embeds,
    pinned: false,
    components: [],
    flags: input.flags,
    ...(author.webhookId ? { webhook_id: author.webhookId } : {}),
    ...(author.applicationId ? { application_id: author.applicationId } : {}),
    ...(replyTo
      ? {
          message_reference: { type: 0, channel_id: replyTo.channel_id, message_id: replyTo.id, guild_id: replyTo.guild_id },
          referenced_message: withoutReference(replyTo),
        }
      : {}),
  };
}

/** A referenced message is shown one level deep. */
function withoutReference(message: SandboxMessage): SandboxMessage {
  const { referenced_message: _nested, ...rest } = message;
  return rest as SandboxMessage;
}

function toAttachment(core: SandboxCore, channelId: string, messageId: string, file: FileInput): Record<string, unknown> {
  const url = `${core.httpUrl()}/attachments/${channelId}/${messageId}/${encodeURIComponent(file.filename)}`;
  return {
    id: core.state.snowflakes.next(),
    filename: file.filename,
    size: file.size,
    content_type: file.content_type || 'application/octet-stream',
    url,
    proxy_url: url,
  };
}

/**
 * The message replied to (https://discord.com/developers/docs/resources/message#message-reference-content-attribution):
 * it must be in the same channel; replying needs READ_MESSAGE_HISTORY (403 160002); an
 * unknown message is a 50035 unless `fail_if_not_exists` is false (then: no reply).
 */
function resolveReply(core: SandboxCore, channel: WorldChannel, authorId: string, reply: ReplyInput | undefined): SandboxMessage | null {
  if (!reply) return null;
  if (!core.state.can(authorId, channel, Perm.READ_MESSAGE_HISTORY)) throw cannotReplyWithoutHistory();
  if (reply.channelId !== undefined && reply.channelId !== channel.id) {
    new FormErrors()
      .add(['message_reference'], { code: 'REPLIES_CANNOT_REFERENCE_OTHER_CHANNEL', message: 'Cannot reply to a message in a different channel' })
      .throwIfAny();
  }
  const target = core.state.messages.find(channel.id, reply.messageId) as SandboxMessage | undefined;
  if (target) return target;
  if (reply.failIfNotExists) {
    new FormErrors().add(['message_reference'], { code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }).throwIfAny();
  }
  return null;
}

/** Stores a message and hands it to the gateway (a gateway failure never fails the write). */
export function publishMessage(core: SandboxCore, message: SandboxMessage, dispatched: SandboxMessage = message): SandboxMessage {
  core.state.putMessage(message);
  countThreadMessage(core, message.channel_id);
  notifyGateway(() => core.hub().dispatchMessageCreate(dispatched));
  return message;
}

/** A thread's `total_message_sent` counts every message ever sent in it. */
function countThreadMessage(core: SandboxCore, channelId: string): void {
  const thread = core.state.threads.get(channelId);
  if (thread) core.state.putThread({ ...thread, total_message_sent: thread.total_message_sent + 1 });
}

/**
 * A message sent by a user or bot (POST /channels/{id}/messages, admin POST /__sandbox/messages).
 * A `nonce` comes back in the answer and MESSAGE_CREATE (not in later reads); with
 * `enforce_nonce`, the same author's message with the same nonce of the last minutes is
 * answered again instead of creating another.
 */
export function createUserMessage(
  core: SandboxCore,
  channel: WorldChannel,
  userId: string,
  input: MessageInput,
  options: NewMessageOptions = {},
): SandboxMessage {
  const user = core.state.world.users.get(userId)!;
  if (input.nonce !== undefined && input.enforceNonce) {
    const earlier = core.state.nonces.find(userId, input.nonce);
    const message = earlier ? (core.state.messages.find(earlier.channelId, earlier.messageId) as SandboxMessage | undefined) : undefined;
    if (message) return { ...message, nonce: input.nonce };
  }
  const replyTo = resolveReply(core, channel, userId, input.reply);
  const message = buildMessage(core, channel, { user: toApiUser(user), userId }, input, replyTo, options);
  if (input.nonce === undefined) return publishMessage(core, message);
  core.state.nonces.remember(userId, input.nonce, channel.id, message.id);
  const withNonce = { ...message, nonce: input.nonce };
  publishMessage(core, message, withNonce);
  return withNonce;
}

/** A message executed through a webhook: author is the webhook (name or `username` override). */
export function createWebhookMessage(
  core: SandboxCore,
  channel: WorldChannel,
  webhook: StoredWebhook,
  input: MessageInput,
  options: NewMessageOptions = {},
): SandboxMessage {
  const author: APIUser = {
    id: webhook.id,
    username: input.username ?? webhook.name,
    discriminator: '0000',
    avatar: webhook.avatar,
    bot: true,
  };
  const message = buildMessage(
    core,
    channel,
    { user: author, userId: null, webhookId: webhook.id, ...(webhook.application_id ? { applicationId: webhook.application_id } : {}) },
    input,
    null,
    options,
  );
  return publishMessage(core, message);
}

/**
 * An edit (Edit Message and Edit Webhook Message): only the given fields change; edited
 * content gets its mentions rebuilt under the request's `allowed_mentions` (default
 * allowances without one). Stored in place of the old message and dispatched as
 * MESSAGE_UPDATE. 50006 when nothing would be left to show.
 */
export function editMessage(core: SandboxCore, message: SandboxMessage, edit: MessageEdit): SandboxMessage {
  const content = edit.content === undefined ? message.content : (edit.content ?? '');
  const embeds = edit.embeds === undefined ? message.embeds : (edit.embeds ?? []);
  const attachments = editedAttachments(core, message, edit);
  if (content === '' && embeds.length === 0 && attachments.length === 0) throw emptyMessage();
  const flags = (message.flags as number | undefined) ?? 0;
  const updated: SandboxMessage = {
    ...message,
    content,
    embeds,
    attachments,
    ...(edit.content !== undefined ? remention(core, message, content, edit.allowedMentions) : {}),
    flags: edit.suppressEmbeds === undefined ? flags : edit.suppressEmbeds ? flags | MessageFlag.SUPPRESS_EMBEDS : flags & ~MessageFlag.SUPPRESS_EMBEDS,
    edited_timestamp: discordTimestamp(Date.now()),
  };
  core.state.putMessage(updated);
  notifyGateway(() => core.hub().dispatchMessageUpdate(updated));
  return updated;
}

/** Discord's own flag change (e.g. HAS_THREAD): no edit timestamp, dispatched as MESSAGE_UPDATE. */
export function editMessageFlagsBits(core: SandboxCore, message: SandboxMessage, bits: number): SandboxMessage {
  const updated: SandboxMessage = { ...message, flags: ((message.flags as number | undefined) ?? 0) | bits };
  core.state.putMessage(updated);
  notifyGateway(() => core.hub().dispatchMessageUpdate(updated));
  return updated;
}

function remention(core: SandboxCore, message: SandboxMessage, content: string, allowed: AllowedMentions | undefined) {
  const channel = core.state.channel(message.channel_id);
  if (!channel) return {};
  const replied = message.referenced_message as SandboxMessage | null | undefined;
  const repliedAuthorId = replied && !replied.webhook_id ? replied.author.id : undefined;
  return resolveMentions(core, content, {
    channel,
    authorId: message.webhook_id ? null : message.author.id,
    allowed,
    ...(repliedAuthorId ? { repliedAuthorId } : {}),
  });
}

/**
 * API v10: a given `attachments` list is everything that stays, old ids and new `files[n]`
 * alike; without one, old attachments stay and new files are appended.
 */
function editedAttachments(core: SandboxCore, message: SandboxMessage, edit: MessageEdit): unknown[] {
  const keep = edit.attachments === undefined ? null : new Set(edit.attachments ?? []);
  const kept = keep ? message.attachments.filter((old) => keep.has(String((old as { id?: unknown }).id))) : message.attachments;
  const added = edit.files
    .filter((file) => !keep || keep.has(/^files\[(\d+)\]$/.exec(file.field)?.[1] ?? ''))
    .map((file) => toAttachment(core, message.channel_id, message.id, file));
  return [...kept, ...added];
}

/** Removes a stored message and dispatches MESSAGE_DELETE (`id`, `channel_id`, `guild_id`). */
export function deleteMessage(core: SandboxCore, message: SandboxMessage): void {
  core.state.removeMessage(message.channel_id, message.id);
  notifyGateway(() => core.hub().dispatchMessageDelete({ id: message.id, channel_id: message.channel_id, guild_id: message.guild_id }));
}

/** A stored message as `viewerId` sees it: with `reactions` (and their `me`) when it has any. */
export function viewMessage(core: SandboxCore, message: APIMessage, viewerId: string): SandboxMessage {
  const reactions = reactionsFor(core, message.id, viewerId);
  return (reactions.length > 0 ? { ...message, reactions } : message) as SandboxMessage;
}
