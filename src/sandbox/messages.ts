import type { APIMessage, APIUser } from '../discord/types.js';
import type { SandboxCore } from './context.js';
import { toApiMember, toApiUser } from './serialize.js';
import { discordTimestamp, snowflakeTime } from './snowflake.js';
import type { MessageInput } from './validation.js';
import type { StoredWebhook } from './webhook-store.js';
import type { WorldChannel } from './world.js';

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
  const mentions = mentionedUsers(core, input.content);
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
    mention_everyone: /@(everyone|here)\b/.test(input.content),
    mentions,
    mention_roles: [],
    attachments: input.attachments.map((file) => ({
      id: state.snowflakes.next(),
      filename: file.filename,
      size: file.size,
      content_type: file.content_type || 'application/octet-stream',
      url: `${core.httpUrl()}/attachments/${channel.id}/${id}/${encodeURIComponent(file.filename)}`,
      proxy_url: `${core.httpUrl()}/attachments/${channel.id}/${id}/${encodeURIComponent(file.filename)}`,
    })),
    embeds: input.embeds,
    pinned: false,
    components: [],
    flags: 0,
    ...(author.webhookId ? { webhook_id: author.webhookId } : {}),
    ...(author.applicationId ? { application_id: author.applicationId } : {}),
  };
  return message;
}

function mentionedUsers(core: SandboxCore, content: string): APIUser[] {
  const seen = new Set<string>();
  const users: APIUser[] = [];
  for (const match of content.matchAll(USER_MENTION)) {
    const user = core.state.world.users.get(match[1]!);
    if (user && !seen.has(user.id)) {
      seen.add(user.id);
      users.push(toApiUser(user));
    }
  }
  return users;
}

/** Stores a message and hands it to the gateway (a gateway failure never fails the write). */
export function publishMessage(core: SandboxCore, message: SandboxMessage): SandboxMessage {
  core.state.addMessage(message);
  try {
    core.hub().dispatchMessageCreate(message);
  } catch {
    // The REST write succeeded; the gateway reports its own problems.
  }
  return message;
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
