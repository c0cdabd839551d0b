import { createHash } from 'node:crypto';
import type { APIEmbed } from '../discord/types.js';
import { emptyMessage, FieldErrors, FormErrors } from './errors.js';

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
  attachments: Array<{ filename: string; size: number; content_type: string }>;
  username?: string;
  avatar_url?: string;
}

export const MAX_CONTENT_LENGTH = 2000;
export const MAX_EMBEDS = 10;

/**
 * A message body for POST /channels/{id}/messages and webhook execute. At least one of
 * content, embeds or a file is required (50006 "Cannot send an empty message").
 */
export function checkMessageBody(raw: unknown, options: { webhook: boolean }): MessageInput {
  const body = requireObject(raw);
  const errors = new FormErrors();
  let content = '';
  if (body.content !== undefined && body.content !== null) {
    if (typeof body.content !== 'string') errors.add(['content'], FieldErrors.string(body.content));
    else if ([...body.content].length > MAX_CONTENT_LENGTH) errors.add(['content'], FieldErrors.maxLength(MAX_CONTENT_LENGTH));
    else content = body.content;
  }
  let embeds: APIEmbed[] = [];
  if (body.embeds !== undefined && body.embeds !== null) {
    if (!Array.isArray(body.embeds)) errors.add(['embeds'], FieldErrors.array());
    else if (body.embeds.length > MAX_EMBEDS) errors.add(['embeds'], FieldErrors.maxLength(MAX_EMBEDS));
    else {
      body.embeds.forEach((embed, i) => {
        if (typeof embed !== 'object' || embed === null || Array.isArray(embed)) errors.add(['embeds', i], FieldErrors.dict());
      });
      // Discord forces every embed sent by bots and webhooks to type "rich".
      embeds = (body.embeds as APIEmbed[]).map((embed) => ({ ...embed, type: 'rich' }));
    }
  }
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
  const files = Array.isArray(body.__files) ? (body.__files as MessageInput['attachments']) : [];
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
