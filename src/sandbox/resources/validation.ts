import { createHash } from 'node:crypto';
import { FieldErrors, FormErrors } from '../http/errors.js';

/**
 * Body validation shared by the routes, with Discord's field errors (400 50035); message
 * bodies are message-body.ts. Webhook names follow
 * https://discord.com/developers/docs/resources/webhook#create-webhook: 1–80 characters,
 * no "clyde" or "discord" in any case. Thread names are 1–100 characters once trimmed
 * (https://discord.com/developers/docs/resources/channel#start-thread-without-message).
 */
const WEBHOOK_NAME_MAX = 80;
const THREAD_NAME_MAX = 100;
const FORBIDDEN_NAME_PARTS = ['clyde', 'discord'] as const;

type Body = Record<string, unknown>;
type Path = ReadonlyArray<string | number>;

/** The body (or the part of it at `at`) as a JSON object, or 50035 DICT_TYPE_CONVERT there. */
export function requireObject(body: unknown, at: ReadonlyArray<string | number> = []): Body {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Body;
  new FormErrors(at).add([], FieldErrors.dict()).throwIfAny();
  return {};
}

/** An optional boolean field: absent, null, true or false; anything else is BASE_TYPE_BOOLEAN. */
export function checkOptionalBoolean(value: unknown, path: Path, errors: FormErrors): void {
  if (value !== undefined && value !== null && typeof value !== 'boolean') errors.add(path, FieldErrors.boolean());
}

/** A string field: absent or null is fine unless required; anything but a string is an error. */
export function presentString(value: unknown, path: Path, required: boolean, errors: FormErrors): string | undefined {
  if (value === undefined || value === null) {
    if (required) errors.add(path, FieldErrors.required());
    return undefined;
  }
  if (typeof value !== 'string') {
    errors.add(path, FieldErrors.string(value));
    return undefined;
  }
  return value;
}

/** A thread name (or execute `thread_name`), trimmed; returns it when valid. */
export function checkThreadName(value: unknown, path: Path, required: boolean, errors: FormErrors): string | undefined {
  const text = presentString(value, path, required, errors);
  if (text === undefined) return undefined;
  const name = text.trim();
  if (name === '' || [...name].length > THREAD_NAME_MAX) {
    errors.add(path, FieldErrors.badLength(1, THREAD_NAME_MAX));
    return undefined;
  }
  return name;
}

/** Checks a webhook (or execute `username`) name; returns it when valid. */
export function checkWebhookName(value: unknown, field: string, errors: FormErrors, required: boolean): string | undefined {
  const name = presentString(value, [field], required, errors);
  if (name === undefined) return undefined;
  const length = [...name].length;
  if (length < 1 || length > WEBHOOK_NAME_MAX) {
    errors.add([field], FieldErrors.badLength(1, WEBHOOK_NAME_MAX));
    return undefined;
  }
  const lower = name.toLowerCase();
  const forbidden = FORBIDDEN_NAME_PARTS.find((word) => lower.includes(word));
  if (forbidden) {
    errors.add([field], FieldErrors.usernameContains(forbidden));
    return undefined;
  }
  return name;
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

