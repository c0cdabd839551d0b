import type { APIEmbed } from '../../discord/types.js';
import { FieldErrors, type FieldError, type FormErrors } from '../http/errors.js';
import { checkOptionalBoolean, presentString } from './validation.js';

/**
 * Rich embeds as bots and webhooks send them, with Discord's limits
 * (https://discord.com/developers/docs/resources/message#embed-object-embed-limits): title
 * 256, description 4096, 25 fields of name 256 / value 1024, footer text 2048, author name
 * 256, and 6000 characters over all of those in all embeds of a message. Values are trimmed
 * first, as Discord does; `type` is always "rich" and `provider`, `video` and the image
 * sizes are Discord's to set, so they are dropped.
 */
const MAX_EMBEDS = 10;
const MAX_EMBED_TOTAL = 6000;
const MAX_FIELDS = 25;
const MAX_COLOR = 0xffffff;

type Path = Array<string | number>;
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const length = (text: string) => [...text].length;

const EmbedErrors = {
  totalTooLarge: (): FieldError => ({ code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${MAX_EMBED_TOTAL}` }),
  invalidScheme: (scheme: string): FieldError => ({
    code: 'URL_TYPE_INVALID_SCHEME',
    message: `Scheme "${scheme}" is not supported. Scheme must be one of ('http', 'https').`,
  }),
  invalidTimestamp: (value: unknown): FieldError => ({ code: 'DATE_TYPE_PARSE', message: `Could not parse ${String(value)}. Should be ISO8601.` }),
} as const;

/**
 * `embeds` of a message body at `path` (['embeds'], or ['data', 'embeds'] in an interaction
 * response): the cleaned list, null when sent as null, undefined when absent or invalid
 * (errors added).
 */
export function checkEmbeds(value: unknown, path: Path, errors: FormErrors): APIEmbed[] | null | undefined {
  if (value === undefined || value === null) return value;
  if (!isList(value, path, MAX_EMBEDS, errors)) return undefined;
  const before = errors.count;
  const embeds = value.map((raw: unknown, i) => checkEmbed(raw, [...path, i], errors));
  if (errors.count !== before) return undefined;
  if (embeds.reduce((sum, embed) => sum + embedLength(embed), 0) > MAX_EMBED_TOTAL) {
    errors.add(path, EmbedErrors.totalTooLarge());
    return undefined;
  }
  return embeds;
}

/** The characters that count towards the 6000 limit. */
function embedLength(embed: APIEmbed): number {
  let total = length(embed.title ?? '') + length(embed.description ?? '');
  total += length(embed.footer?.text ?? '') + length((embed.author as { name?: string } | undefined)?.name ?? '');
  for (const field of embed.fields ?? []) total += length(field.name) + length(field.value);
  return total;
}

function checkEmbed(raw: unknown, path: Path, errors: FormErrors): APIEmbed {
  if (!isObject(raw)) {
    errors.add(path, FieldErrors.dict());
    return { type: 'rich' };
  }
  const embed: Json = { type: 'rich' };
  const text = (key: string, max: number, required = false, from: Json = raw, at: Path = path) =>
    checkText(from[key], [...at, key], max, required, errors);
  const set = (key: string, value: unknown) => {
    if (value !== undefined) embed[key] = value;
  };
  set('title', text('title', 256));
  set('description', text('description', 4096));
  set('url', checkUrl(raw.url, [...path, 'url'], errors, false));
  set('timestamp', checkTimestamp(raw.timestamp, [...path, 'timestamp'], errors));
  set('color', checkColor(raw.color, [...path, 'color'], errors));
  set('footer', part(raw.footer, [...path, 'footer'], errors, (footer, at) => ({
    text: text('text', 2048, true, footer, at),
    icon_url: checkUrl(footer.icon_url, [...at, 'icon_url'], errors, true),
  })));
  set('author', part(raw.author, [...path, 'author'], errors, (author, at) => ({
    name: text('name', 256, true, author, at),
    url: checkUrl(author.url, [...at, 'url'], errors, false),
    icon_url: checkUrl(author.icon_url, [...at, 'icon_url'], errors, true),
  })));
  for (const key of ['image', 'thumbnail'] as const) {
    set(key, part(raw[key], [...path, key], errors, (media, at) => ({ url: checkUrl(media.url, [...at, 'url'], errors, true, true) })));
  }
  set('fields', checkFields(raw.fields, [...path, 'fields'], errors));
  return embed as APIEmbed;
}

/** A nested object (footer, author, image, thumbnail): its cleaned fields, undefined when absent or null. */
function part(value: unknown, path: Path, errors: FormErrors, read: (value: Json, path: Path) => Json): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    errors.add(path, FieldErrors.dict());
    return undefined;
  }
  const out = read(value, path);
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** A list of at most `max` items (BASE_TYPE_ARRAY, BASE_TYPE_MAX_LENGTH). */
function isList(value: unknown, path: Path, max: number, errors: FormErrors): value is unknown[] {
  if (!Array.isArray(value)) errors.add(path, FieldErrors.array());
  else if (value.length > max) errors.add(path, FieldErrors.maxLength(max));
  else return true;
  return false;
}

function checkFields(value: unknown, path: Path, errors: FormErrors): Json[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isList(value, path, MAX_FIELDS, errors)) return undefined;
  return value.map((field: unknown, i) => {
    const at = [...path, i];
    if (!isObject(field)) {
      errors.add(at, FieldErrors.dict());
      return {};
    }
    const name = checkText(field.name, [...at, 'name'], 256, true, errors);
    const text = checkText(field.value, [...at, 'value'], 1024, true, errors);
    checkOptionalBoolean(field.inline, [...at, 'inline'], errors);
    return { name, value: text, inline: field.inline === true };
  });
}

/** A text value, trimmed; a required one may not be absent, null or blank. */
function checkText(value: unknown, path: Path, max: number, required: boolean, errors: FormErrors): string | undefined {
  const text = presentString(value, path, required, errors);
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (required && trimmed === '') errors.add(path, FieldErrors.required());
  else if (length(trimmed) > max) errors.add(path, FieldErrors.maxLength(max));
  else return trimmed;
  return undefined;
}

/** http(s) URLs; image fields also take `attachment://NAME` for an uploaded file. */
function checkUrl(value: unknown, path: Path, errors: FormErrors, image: boolean, required = false): string | undefined {
  const text = presentString(value, path, required, errors);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    errors.add(path, FieldErrors.invalidUrl());
    return undefined;
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'http' || scheme === 'https' || (image && scheme === 'attachment')) return text;
  errors.add(path, EmbedErrors.invalidScheme(scheme));
  return undefined;
}

function checkTimestamp(value: unknown, path: Path, errors: FormErrors): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return value;
  errors.add(path, EmbedErrors.invalidTimestamp(value));
  return undefined;
}

function checkColor(value: unknown, path: Path, errors: FormErrors): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value)) errors.add(path, FieldErrors.notInt(value));
  else if ((value as number) < 0) errors.add(path, FieldErrors.numberMin(0));
  else if ((value as number) > MAX_COLOR) errors.add(path, FieldErrors.numberMax(MAX_COLOR));
  else return value as number;
  return undefined;
}
