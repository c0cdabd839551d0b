import { createHash } from 'node:crypto';
import type { APIEmbed } from '../../discord/types.js';
import { emptyMessage, FieldErrors, FormErrors } from '../http/errors.js';
import type { FileInput } from '../http/io.js';
import { isSnowflake } from '../store/snowflake.js';

/**
 * Body validation with Discord's field errors (400 50035). Webhook names follow
 * https://discord.com/developers/docs/resources/webhook#create-webhook: 1–80 characters,
 * no "clyde" or "discord" in any case.
 */
export const WEBHOOK_NAME_MAX = 80;
const FORBIDDEN_NAME_PARTS = ['clyde', 'discord'] as const;

type Body = Record<string, unknown>;

/** The body as a JSON object, or 50035 DICT_TYPE_CONVERT at the root. */
export function requireObject(body: unknown): Body {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Body;
  new FormErrors().add([], FieldErrors.dict()).throwIfAny();
  return {};
}

/** Checks a webhook (or execute `username`) name; returns it when valid. */
export function checkWebhookName(value: unknown, field: string, errors: FormErrors, required: boolean): string | undefined {
  if (value === undefined || value === null) {
    if (required) errors.add([field], FieldErrors.required());
    return undefined;
  }
  if (typeof value !== 'string') {
    errors.add([field], FieldErrors.string(value));
    return undefined;
  }
  const length = [...value].length;
  if (length < 1 || length > WEBHOOK_NAME_MAX) {
    errors.add([field], FieldErrors.badLength(1, WEBHOOK_NAME_MAX));
    return undefined;
  }
  const lower = value.toLowerCase();
  const forbidden = FORBIDDEN_NAME_PARTS.find((word) => lower.includes(word));
  if (forbidden) {
    errors.add([field], FieldErrors.usernameContains(forbidden));
    return undefined;
  }
  return value;
}

const DATA_URI = /^data:image\/[a-z0-9.+-]+;base64,([A-Za-z0-9+/\s]*={0,2})$/i;

/**
 * Image data (https://discord.com/developers/docs/reference#image-data): a base64 data URI
 * whose bytes are PNG, JPEG or GIF (checked by magic bytes). Returns the avatar hash — the
 * lowercase MD5 hex of the decoded bytes — `null` to clear, or undefined when invalid/absent.
 */
export function checkAvatar(value: unknown, field: string, errors: FormErrors): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const bytes = typeof value === 'string' ? decodeImage(value) : null;
  if (!bytes) {
    errors.add([field], FieldErrors.imageInvalid());
    return undefined;
  }
  return createHash('md5').update(bytes).digest('hex');
}

function decodeImage(uri: string): Buffer | null {
  const match = DATA_URI.exec(uri);
  if (!match) return null;
  const bytes = Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64');
  return isPng(bytes) || isJpeg(bytes) || isGif(bytes) ? bytes : null;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const isPng = (b: Buffer) => b.length > PNG_MAGIC.length && b.subarray(0, 8).equals(PNG_MAGIC);
const isJpeg = (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isGif = (b: Buffer) => b.length > 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1'));


export interface MessageInput {
  content: string;
  embeds: APIEmbed[];
  tts: boolean;
  attachments: FileInput[];
  username?: string;
  avatar_url?: string;
}

export const MAX_CONTENT_LENGTH = 2000;
export const MAX_EMBEDS = 10;

/**
 * A message body for POST /channels/{id}/messages and webhook execute. At least one of
 * content, embeds or a file is required (50006 "Cannot send an empty message").
 */
export function checkMessageBody(raw: unknown, options: { webhook: boolean; files?: FileInput[] }): MessageInput {
  const body = requireObject(raw);
  const errors = new FormErrors();
  const content = checkContent(body, errors) ?? '';
  const embeds = checkEmbeds(body, errors) ?? [];
  let username: string | undefined;
  let avatarUrl: string | undefined;
  if (options.webhook) {
    username = checkWebhookName(body.username, 'username', errors, false);
    if (body.avatar_url !== undefined && body.avatar_url !== null) {
      if (typeof body.avatar_url !== 'string') errors.add(['avatar_url'], FieldErrors.string(body.avatar_url));
      else avatarUrl = body.avatar_url;
    }
  }
  errors.throwIfAny();
  const files = options.files ?? [];
  if (content === '' && embeds.length === 0 && files.length === 0) throw emptyMessage();
  return {
    content,
    embeds,
    tts: body.tts === true,
    attachments: files,
    ...(username !== undefined ? { username } : {}),
    ...(avatarUrl !== undefined ? { avatar_url: avatarUrl } : {}),
  };
}

/** `content`: the string, null when sent as null, undefined when absent (or invalid, with an error added). */
function checkContent(body: Body, errors: FormErrors): string | null | undefined {
  const value = body.content;
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') errors.add(['content'], FieldErrors.string(value));
  else if ([...value].length > MAX_CONTENT_LENGTH) errors.add(['content'], FieldErrors.maxLength(MAX_CONTENT_LENGTH));
  else return value;
  return undefined;
}

/** `embeds`, each forced to type "rich" as Discord does for bots and webhooks; null/undefined as for content. */
function checkEmbeds(body: Body, errors: FormErrors): APIEmbed[] | null | undefined {
  const value = body.embeds;
  if (value === undefined || value === null) return value;
  if (!Array.isArray(value)) errors.add(['embeds'], FieldErrors.array());
  else if (value.length > MAX_EMBEDS) errors.add(['embeds'], FieldErrors.maxLength(MAX_EMBEDS));
  else {
    value.forEach((embed, i) => {
      if (typeof embed !== 'object' || embed === null || Array.isArray(embed)) errors.add(['embeds', i], FieldErrors.dict());
    });
    return (value as APIEmbed[]).map((embed) => ({ ...embed, type: 'rich' }));
  }
  return undefined;
}

/** https://discord.com/developers/docs/resources/message#message-object-message-flags */
export const SUPPRESS_EMBEDS = 1 << 2;
const MENTION_TYPES = ['roles', 'users', 'everyone'] as const;
const MAX_ALLOWED_MENTION_IDS = 100;

/** https://discord.com/developers/docs/resources/message#allowed-mentions-object */
export interface AllowedMentions {
  parse: Array<(typeof MENTION_TYPES)[number]>;
  users: string[];
  roles: string[];
}

/**
 * An Edit Webhook Message body (https://discord.com/developers/docs/resources/webhook#edit-webhook-message):
 * every field optional and nullable. `undefined` leaves a field as it is; `null` content or
 * embeds removes them. Fields the endpoint does not take (username, tts, …) are ignored, as
 * Discord does. Whether the result is empty (50006) depends on the message, so the caller checks.
 */
export interface MessageEdit {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  /** Only SUPPRESS_EMBEDS can be set or unset here; null leaves the flags as they are. */
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
  const content = checkContent(body, errors);
  const embeds = checkEmbeds(body, errors);
  let suppressEmbeds: boolean | undefined;
  if (body.flags !== undefined && body.flags !== null) {
    if (!Number.isInteger(body.flags)) errors.add(['flags'], FieldErrors.notInt(body.flags));
    else suppressEmbeds = ((body.flags as number) & SUPPRESS_EMBEDS) !== 0;
  }
  const allowedMentions = checkAllowedMentions(body.allowed_mentions, errors);
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

function checkAllowedMentions(value: unknown, errors: FormErrors): AllowedMentions | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.add(['allowed_mentions'], FieldErrors.dict());
    return undefined;
  }
  const raw = value as Body;
  const parse: AllowedMentions['parse'] = [];
  if (raw.parse !== undefined && raw.parse !== null) {
    if (!Array.isArray(raw.parse)) errors.add(['allowed_mentions', 'parse'], FieldErrors.array());
    else {
      raw.parse.forEach((type: unknown, i) => {
        if (MENTION_TYPES.includes(type as AllowedMentions['parse'][number])) parse.push(type as AllowedMentions['parse'][number]);
        else errors.add(['allowed_mentions', 'parse', i], { code: 'BASE_TYPE_CHOICES', message: "Value must be one of {'roles', 'users', 'everyone'}." });
      });
    }
  }
  const ids = (field: 'users' | 'roles'): string[] => {
    const list = raw[field];
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) errors.add(['allowed_mentions', field], FieldErrors.array());
    else if (list.length > MAX_ALLOWED_MENTION_IDS) errors.add(['allowed_mentions', field], FieldErrors.maxLength(MAX_ALLOWED_MENTION_IDS));
    else {
      list.forEach((id: unknown, i) => {
        if (!isSnowflake(id)) errors.add(['allowed_mentions', field, i], FieldErrors.notSnowflake(id));
      });
      return list as string[];
    }
    return [];
  };
  return { parse, users: ids('users'), roles: ids('roles') };
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
