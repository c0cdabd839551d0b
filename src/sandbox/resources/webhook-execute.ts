import type { SandboxCore } from '../context.js';
import { FieldErrors, FormErrors, SandboxHttpError, unknownChannel } from '../http/errors.js';
import { isSnowflake } from '../store/snowflake.js';
import { ChannelType, isForum } from '../store/channel-types.js';
import type { StoredWebhook } from '../store/webhook-store.js';
import type { WorldChannel } from '../store/world.js';
import type { MessageInput } from './message-body.js';
import { createWebhookMessage, type SandboxMessage } from './messages.js';
import { createThread } from './threads.js';

/**
 * Where a webhook posts (https://discord.com/developers/docs/resources/webhook#execute-webhook):
 * its channel, a thread of it named by `?thread_id=` (10003 when it is not one), or — in a
 * forum or media channel, which takes no plain messages — a new post named by `thread_name`.
 * Discord's 220001–220004 errors say which combination is wrong.
 */
const webhookError = (code: number, message: string) => new SandboxHttpError(400, { code, message });
export const ForumWebhookErrors = {
  needsThread: () => webhookError(220001, 'Webhooks posted to forum channels must have a thread_name or thread_id'),
  bothThreadFields: () => webhookError(220002, 'Webhooks posted to forum channels cannot have both a thread_name and thread_id'),
  threadNameOutsideForum: () => webhookError(220003, 'Webhooks can only create threads in forum channels'),
  serviceInForum: () => webhookError(220004, 'Webhook services cannot be used in forum channels'),
} as const;

export function webhookChannel(core: SandboxCore, webhook: StoredWebhook): WorldChannel {
  const channel = core.state.world.channels.get(webhook.channel_id);
  if (!channel) throw unknownChannel();
  return channel;
}

/** The webhook's channel, or the thread of it that `thread_id` names. */
export function webhookTarget(core: SandboxCore, webhook: StoredWebhook, threadId: string | null): WorldChannel {
  const channel = webhookChannel(core, webhook);
  if (threadId === null) return channel;
  if (!isSnowflake(threadId)) new FormErrors().add(['thread_id'], FieldErrors.notSnowflake(threadId)).throwIfAny();
  const thread = core.state.threads.get(threadId);
  if (!thread || thread.parent_id !== channel.id) throw unknownChannel();
  return core.state.channel(thread.id)!;
}

/** Execute Webhook: into the channel, a thread (`thread_id`), or a new forum post (`thread_name`). */
export function executeWebhookInto(core: SandboxCore, webhook: StoredWebhook, input: MessageInput, threadId: string | null): SandboxMessage {
  const channel = webhookChannel(core, webhook);
  if (threadId !== null && input.thread_name !== undefined) throw ForumWebhookErrors.bothThreadFields();
  if (input.thread_name !== undefined) {
    if (!isForum(channel.type)) throw ForumWebhookErrors.threadNameOutsideForum();
    const id = core.state.snowflakes.next();
    createThread(core, channel, {
      id,
      type: ChannelType.PUBLIC_THREAD,
      ownerId: webhook.id,
      input: { name: input.thread_name, autoArchiveDuration: 4320, rateLimitPerUser: 0, appliedTags: [] },
    });
    return createWebhookMessage(core, core.state.channel(id)!, webhook, input, { id });
  }
  if (threadId === null && isForum(channel.type)) throw ForumWebhookErrors.needsThread();
  return createWebhookMessage(core, webhookTarget(core, webhook, threadId), webhook, input);
}

type Json = Record<string, unknown>;
const SLACK_COLORS: Record<string, number> = { good: 0x2eb886, warning: 0xdaa038, danger: 0xa30200 };

/**
 * A Slack incoming-webhook payload as a Discord message body
 * (https://discord.com/developers/docs/resources/webhook#execute-slackcompatible-webhook):
 * `text`, `username`, `icon_url`, and `attachments` as embeds. Slack's `channel`,
 * `icon_emoji`, `mrkdwn` and `mrkdwn_in` are not supported, as on Discord.
 */
export function slackToMessageBody(raw: Json): Json {
  const attachments = Array.isArray(raw.attachments) ? (raw.attachments as unknown[]) : [];
  return {
    ...(typeof raw.text === 'string' ? { content: raw.text } : {}),
    ...(raw.username !== undefined ? { username: raw.username } : {}),
    ...(typeof raw.icon_url === 'string' ? { avatar_url: raw.icon_url } : {}),
    ...(attachments.length > 0 ? { embeds: attachments.map((item) => slackAttachment(typeof item === 'object' && item !== null ? (item as Json) : {})) } : {}),
  };
}

/** Fields left undefined count as absent: checkEmbeds builds the stored embed from defined values only. */
function slackAttachment(a: Json): Json {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const color = typeof a.color === 'string' ? (SLACK_COLORS[a.color] ?? Number.parseInt(a.color.replace(/^#/, ''), 16)) : undefined;
  const fields = Array.isArray(a.fields)
    ? (a.fields as Json[]).map((field) => ({ name: String(field.title ?? ''), value: String(field.value ?? ''), inline: field.short === true }))
    : undefined;
  return {
    title: text(a.title),
    url: text(a.title_link),
    description: text(a.text) ?? text(a.pretext),
    color: color !== undefined && Number.isFinite(color) ? color : undefined,
    fields,
    footer: text(a.footer) ? { text: a.footer, icon_url: text(a.footer_icon) } : undefined,
    author: text(a.author_name) ? { name: a.author_name, url: text(a.author_link), icon_url: text(a.author_icon) } : undefined,
    image: text(a.image_url) ? { url: a.image_url } : undefined,
    thumbnail: text(a.thumb_url) ? { url: a.thumb_url } : undefined,
    timestamp: typeof a.ts === 'number' ? new Date(a.ts * 1000).toISOString() : undefined,
  };
}
