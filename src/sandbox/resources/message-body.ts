import type { APIEmbed } from '../../discord/types.js';
import { emptyMessage, FieldErrors, FormErrors } from '../http/errors.js';
import type { FileInput } from '../http/io.js';
import { isSnowflake } from '../store/snowflake.js';
import { checkAllowedMentions, type AllowedMentions } from './allowed-mentions.js';
import { checkEmbeds } from './embeds.js';
import { checkOptionalBoolean, checkThreadName, checkWebhookName, presentString, requireObject } from './validation.js';

/**
 * Message bodies: Create Message (https://discord.com/developers/docs/resources/message#create-message),
 * Execute Webhook, and the edits of both, with Discord's 50035 field errors.
 */
const MAX_CONTENT_LENGTH = 2000;
const MAX_NONCE_LENGTH = 25;

/** https://discord.com/developers/docs/resources/message#message-object-message-flags */
export const MessageFlag = {
  SUPPRESS_EMBEDS: 1 << 2,
  HAS_THREAD: 1 << 5,
  EPHEMERAL: 1 << 6,
  LOADING: 1 << 7,
  SUPPRESS_NOTIFICATIONS: 1 << 12,
} as const;
/** The flags a bot or webhook may set on a new message; other bits are ignored, as Discord does. */
const CREATE_FLAGS = MessageFlag.SUPPRESS_EMBEDS | MessageFlag.SUPPRESS_NOTIFICATIONS;

type Body = Record<string, unknown>;
type Path = Array<string | number>;

export interface ReplyInput {
  messageId: string;
  /** Given by the client; Discord only answers in the channel the reply is sent to. */
  channelId?: string;
  /** Default true: an unknown message is a 50035; false sends a plain message instead. */
  failIfNotExists: boolean;
}

export interface MessageInput {
  content: string;
  embeds: APIEmbed[];
  tts: boolean;
  attachments: FileInput[];
  flags: number;
  /** Absent: Discord's default allowances. */
  allowedMentions?: AllowedMentions;
  reply?: ReplyInput;
  nonce?: string | number;
  enforceNonce: boolean;
  /** Webhooks only. */
  username?: string;
  avatar_url?: string;
  thread_name?: string;
}

/**
 * A new message's body. At least one of content, embeds or a file is required (50006 "Cannot
 * send an empty message"). `message_reference` and `nonce` are for channel messages; webhooks
 * take `username`, `avatar_url` and `thread_name` instead.
 */
export function checkMessageBody(raw: unknown, options: { webhook: boolean; files?: FileInput[]; at?: Path }): MessageInput {
  const body = requireObject(raw, options.at);
  const errors = new FormErrors(options.at);
  const content = checkContent(body.content, ['content'], errors) ?? '';
  const embeds = checkEmbeds(body.embeds, ['embeds'], errors) ?? [];
  const allowedMentions = checkAllowedMentions(body.allowed_mentions, ['allowed_mentions'], errors);
  const flags = (checkFlags(body.flags, ['flags'], errors) ?? 0) & CREATE_FLAGS;
  const extra = options.webhook ? checkWebhookFields(body, errors) : checkChannelFields(body, errors);
  errors.throwIfAny();
  const files = options.files ?? [];
  if (content === '' && embeds.length === 0 && files.length === 0) throw emptyMessage();
  return {
    content,
    embeds,
    tts: body.tts === true,
    attachments: files,
    flags,
    enforceNonce: false,
    ...(allowedMentions ? { allowedMentions } : {}),
    ...extra,
  };
}

function checkWebhookFields(body: Body, errors: FormErrors): Partial<MessageInput> {
  const out: Partial<MessageInput> = {};
  const username = checkWebhookName(body.username, 'username', errors, false);
  if (username !== undefined) out.username = username;
  const avatarUrl = presentString(body.avatar_url, ['avatar_url'], false, errors);
  if (avatarUrl !== undefined) out.avatar_url = avatarUrl;
  const threadName = checkThreadName(body.thread_name, ['thread_name'], false, errors);
  if (threadName !== undefined) out.thread_name = threadName;
  return out;
}

function checkChannelFields(body: Body, errors: FormErrors): Partial<MessageInput> {
  const out: Partial<MessageInput> = { enforceNonce: body.enforce_nonce === true };
  const reply = checkReference(body.message_reference, errors);
  if (reply) out.reply = reply;
  const nonce = body.nonce;
  if (nonce !== undefined && nonce !== null) {
    if (typeof nonce === 'string' && [...nonce].length > MAX_NONCE_LENGTH) errors.add(['nonce'], FieldErrors.maxLength(MAX_NONCE_LENGTH));
    else if (typeof nonce === 'string' || Number.isSafeInteger(nonce)) out.nonce = nonce as string | number;
    else errors.add(['nonce'], { code: 'NONCE_TYPE_INVALID_TYPE', message: 'Nonce must be an integer or a string.' });
  }
  return out;
}

/**
 * `message_reference` of a reply (https://discord.com/developers/docs/resources/message#message-reference-structure).
 * Only replies (type 0, DEFAULT) are modelled; a forward (type 1) is refused.
 */
function checkReference(value: unknown, errors: FormErrors): ReplyInput | undefined {
  if (value === undefined || value === null) return undefined;
  const path = ['message_reference'];
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.add(path, { code: 'MODEL_TYPE_CONVERT', message: 'Expected an object/dictionary.' });
    return undefined;
  }
  const ref = value as Body;
  if (ref.type !== undefined && ref.type !== null && ref.type !== 0) {
    errors.add([...path, 'type'], FieldErrors.choices([0]));
  }
  const id = (field: 'message_id' | 'channel_id' | 'guild_id', required: boolean): string | undefined => {
    const given = ref[field];
    if (given === undefined || given === null) {
      if (required) errors.add([...path, field], FieldErrors.required());
      return undefined;
    }
    if (!isSnowflake(typeof given === 'number' ? String(given) : given)) {
      errors.add([...path, field], FieldErrors.notSnowflake(given));
      return undefined;
    }
    return String(given);
  };
  const messageId = id('message_id', true);
  const channelId = id('channel_id', false);
  id('guild_id', false);
  checkOptionalBoolean(ref.fail_if_not_exists, [...path, 'fail_if_not_exists'], errors);
  if (messageId === undefined) return undefined;
  return { messageId, failIfNotExists: ref.fail_if_not_exists !== false, ...(channelId ? { channelId } : {}) };
}

/** `content` at `path`: the string, null when sent as null, undefined when absent (or invalid, with an error added). */
export function checkContent(value: unknown, path: Path, errors: FormErrors): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') errors.add(path, FieldErrors.string(value));
  else if ([...value].length > MAX_CONTENT_LENGTH) errors.add(path, FieldErrors.maxLength(MAX_CONTENT_LENGTH));
  else return value;
  return undefined;
}

/** `flags` at `path`: the integer, undefined when absent, null or invalid (with an error added). */
export function checkFlags(value: unknown, path: Path, errors: FormErrors): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value)) {
    errors.add(path, FieldErrors.notInt(value));
    return undefined;
  }
  return value as number;
}

/**
 * An edit (https://discord.com/developers/docs/resources/message#edit-message, and Edit
 * Webhook Message): every field optional and nullable. `undefined` leaves a field as it is;
 * `null` content or embeds removes them. Whether the result is empty (50006) depends on the
 * message, so the caller checks.
 */
export interface MessageEdit {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  /** Only SUPPRESS_EMBEDS can be set or unset here; absent or null leaves the flags as they are. */
  suppressEmbeds?: boolean;
  /** Absent or null: Discord's default allowances (everything in the new content pings). */
  allowedMentions?: AllowedMentions;
  /** Ids of the attachments to keep: existing ids, or `n` of a new `files[n]`; null keeps none. */
  attachments?: string[] | null;
  files: FileInput[];
}

export function checkMessageEdit(raw: unknown, files: FileInput[] = []): MessageEdit {
  const body = requireObject(raw);
  const errors = new FormErrors();
  const content = checkContent(body.content, ['content'], errors);
  const embeds = checkEmbeds(body.embeds, ['embeds'], errors);
  const flags = checkFlags(body.flags, ['flags'], errors);
  const suppressEmbeds = flags === undefined ? undefined : (flags & MessageFlag.SUPPRESS_EMBEDS) !== 0;
  const allowedMentions = checkAllowedMentions(body.allowed_mentions, ['allowed_mentions'], errors);
  const attachments = checkAttachmentIds(body.attachments, errors);
  errors.throwIfAny();
  return {
    ...(content !== undefined ? { content } : {}),
    ...(embeds !== undefined ? { embeds } : {}),
    ...(suppressEmbeds !== undefined ? { suppressEmbeds } : {}),
    ...(allowedMentions ? { allowedMentions } : {}),
    ...(attachments !== undefined ? { attachments } : {}),
    files,
  };
}

function checkAttachmentIds(value: unknown, errors: FormErrors): string[] | null | undefined {
  if (value === undefined || value === null) return value;
  if (!Array.isArray(value)) {
    errors.add(['attachments'], FieldErrors.array());
    return undefined;
  }
  const ids: string[] = [];
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) errors.add(['attachments', i], FieldErrors.dict());
    else {
      const id = (item as Body).id;
      if (typeof id === 'string' || typeof id === 'number') ids.push(String(id));
      else errors.add(['attachments', i, 'id'], FieldErrors.required());
    }
  });
  return ids;
}
