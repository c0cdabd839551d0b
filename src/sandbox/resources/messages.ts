import type { APIMessage, APIUser } from '../../discord/types.js';
import type { SandboxCore } from '../context.js';
import { emptyMessage } from '../http/errors.js';
import { toApiMember, toApiUser } from '../store/serialize.js';
import { discordTimestamp, snowflakeTime } from '../store/snowflake.js';
import type { FileInput } from '../http/io.js';
import { SUPPRESS_EMBEDS, type AllowedMentions, type MessageEdit, type MessageInput } from './validation.js';
import type { StoredWebhook } from '../store/webhook-store.js';
import type { WorldChannel } from '../store/world.js';

/**
 * Message objects as Discord sends them in responses and MESSAGE_CREATE
 * (https://discord.com/developers/docs/resources/message#message-object). Every stored
 * message is also dispatched to the gateway, as Discord does for bot, user and webhook messages.
 */
export type SandboxMessage = APIMessage & { guild_id: string } & Record<string, unknown>;

const USER_MENTION = /<@!?(\d{1,20})>/g;

interface Author {
  user: APIUser;
  /** Guild member view (users and bots); webhooks have none. */
  memberOf?: string;
  webhookId?: string;
  applicationId?: string;
}

function buildMessage(core: SandboxCore, channel: WorldChannel, author: Author, input: MessageInput): SandboxMessage {
  const { state } = core;
  const id = state.snowflakes.next();
  const guild = state.world.guilds.get(channel.guild_id);
  const member = author.memberOf ? guild?.members.get(author.memberOf) : undefined;
  const message: SandboxMessage = {
    id,
    type: 0,
    channel_id: channel.id,
    guild_id: channel.guild_id,
    author: author.user,
    ...(member ? { member: toApiMember(member, undefined, false) } : {}),
    content: input.content,
    timestamp: discordTimestamp(snowflakeTime(id)),
    edited_timestamp: null,
    tts: input.tts,
    ...mentionsIn(core, input.content),
    mention_roles: [],
    attachments: input.attachments.map((file) => toAttachment(core, channel.id, id, file)),
    embeds: input.embeds,
    pinned: false,
    components: [],
    flags: 0,
    ...(author.webhookId ? { webhook_id: author.webhookId } : {}),
    ...(author.applicationId ? { application_id: author.applicationId } : {}),
  };
  return message;
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
 * `mentions` and `mention_everyone` of some content. Without `allowed`, Discord's default
 * allowances (every mention counts); with it, only what it allows
 * (https://discord.com/developers/docs/resources/message#allowed-mentions-object).
 */
function mentionsIn(core: SandboxCore, content: string, allowed?: AllowedMentions): Pick<APIMessage, 'mention_everyone' | 'mentions'> {
  const userAllowed = (id: string) => !allowed || allowed.parse.includes('users') || allowed.users.includes(id);
  const seen = new Set<string>();
  const users: APIUser[] = [];
  for (const match of content.matchAll(USER_MENTION)) {
    const user = core.state.world.users.get(match[1]!);
    if (user && !seen.has(user.id) && userAllowed(user.id)) {
      seen.add(user.id);
      users.push(toApiUser(user));
    }
  }
  const everyoneAllowed = !allowed || allowed.parse.includes('everyone');
  return { mention_everyone: everyoneAllowed && /@(everyone|here)\b/.test(content), mentions: users };
}

/** Gateway failures never fail a REST write; the gateway reports its own problems. */
function notifyGateway(send: () => void): void {
  try {
    send();
  } catch {
    // The REST write succeeded.
  }
}

/** Stores a message and hands it to the gateway (a gateway failure never fails the write). */
export function publishMessage(core: SandboxCore, message: SandboxMessage): SandboxMessage {
  core.state.putMessage(message);
  notifyGateway(() => core.hub().dispatchMessageCreate(message));
  return message;
}

/**
 * Edit Webhook Message (https://discord.com/developers/docs/resources/webhook#edit-webhook-message):
 * only the given fields change; edited content gets its mentions rebuilt under the request's
 * `allowed_mentions` (default allowances without one). Stored in place of the old message
 * and dispatched as MESSAGE_UPDATE. 50006 when nothing would be left to show.
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
    ...(edit.content !== undefined ? mentionsIn(core, content, edit.allowedMentions) : {}),
    flags: edit.suppressEmbeds === undefined ? flags : edit.suppressEmbeds ? flags | SUPPRESS_EMBEDS : flags & ~SUPPRESS_EMBEDS,
    edited_timestamp: discordTimestamp(Date.now()),
  };
  core.state.putMessage(updated);
  notifyGateway(() => core.hub().dispatchMessageUpdate(updated));
  return updated;
}

/**
 * API v10: a given `attachments` list is everything that stays, old ids and new `files[n]`
 * alike; without one, old attachments stay and new files are appended.
 */
function editedAttachments(core: SandboxCore, message: SandboxMessage, edit: MessageEdit): unknown[] {
  const keep = edit.attachments === undefined ? null : new Set(edit.attachments ?? []);
  const kept = keep ? message.attachments.filter((old) => keep.has(String((old as { id?: unknown }).id))) : message.attachments;
  const added = edit.files
    .filter((file) => !keep || keep.has(/^files\[(\d+)\]$/.exec(file.field ?? '')?.[1] ?? ''))
    .map((file) => toAttachment(core, message.channel_id, message.id, file));
  return [...kept, ...added];
}

/** Removes a stored message and dispatches MESSAGE_DELETE (`id`, `channel_id`, `guild_id`). */
export function deleteMessage(core: SandboxCore, message: SandboxMessage): void {
  core.state.removeMessage(message.channel_id, message.id);
  notifyGateway(() => core.hub().dispatchMessageDelete({ id: message.id, channel_id: message.channel_id, guild_id: message.guild_id }));
}

/** A message sent by a user or bot (POST /channels/{id}/messages, admin POST /__sandbox/messages). */
export function createUserMessage(core: SandboxCore, channel: WorldChannel, userId: string, input: MessageInput): SandboxMessage {
  const user = core.state.world.users.get(userId)!;
  return publishMessage(core, buildMessage(core, channel, { user: toApiUser(user), memberOf: userId }, input));
}

/** A message executed through a webhook: author is the webhook (name or `username` override). */
export function createWebhookMessage(core: SandboxCore, channel: WorldChannel, webhook: StoredWebhook, input: MessageInput): SandboxMessage {
  const author: APIUser = {
    id: webhook.id,
    username: input.username ?? webhook.name,
    discriminator: '0000',
    avatar: webhook.avatar,
    bot: true,
  };
  return publishMessage(
    core,
    buildMessage(core, channel, {
      user: author,
      webhookId: webhook.id,
      ...(webhook.application_id ? { applicationId: webhook.application_id } : {}),
    }, input),
  );
}
