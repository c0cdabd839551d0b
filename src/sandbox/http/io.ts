import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidJson, requestTooLarge } from './errors.js';

/** Request bodies above this are refused with 413 (Discord's own cap for bots is lower for JSON). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Reads the whole body, refusing more than `max` bytes (413 40005). */
/**
 * The request target as a URL. `new URL(target, base)` would read `//x` as a host (and throw on
 * `//`), so origin-form targets are appended to the base instead; anything unparsable is `null`.
 */
export function parseRequestTarget(target: string | undefined): URL | null {
  const raw = target ?? '/';
  try {
    return raw.startsWith('/') ? new URL(`http://sandbox.invalid${raw}`) : new URL(raw);
  } catch {
    return null;
  }
}

export async function readBody(req: IncomingMessage, max = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw requestTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > max) throw requestTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A file of a multipart body: `field` is its form name, e.g. `files[0]`. */
export interface FileInput {
  field: string;
  filename: string;
  size: number;
  content_type: string;
}

/**
 * A request body as Discord reads it: the JSON (or, for `multipart/form-data`, the
 * `payload_json` field merged with the other text fields) and, apart from it, the uploaded
 * files. Files never enter the JSON, so no key a client sends can pose as an upload.
 */
export interface ParsedBody {
  json: unknown;
  files: FileInput[];
}

export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  if (contentType?.toLowerCase().startsWith('multipart/form-data')) return parseMultipart(raw, contentType);
  if (raw.length === 0) return { json: {}, files: [] };
  try {
    return { json: JSON.parse(raw.toString('utf8')) as unknown, files: [] };
  } catch {
    throw invalidJson();
  }
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<ParsedBody> {
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw invalidJson();
  }
  const payload = form.get('payload_json');
  let body: Record<string, unknown> = {};
  if (typeof payload === 'string') {
    try {
      const parsed = JSON.parse(payload) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      throw invalidJson();
    }
  }
  const files: FileInput[] = [];
  for (const [key, value] of form.entries()) {
    if (key === 'payload_json') continue;
    if (typeof value === 'string') body[key] = value;
    else files.push({ field: key, filename: value.name, size: value.size, content_type: value.type });
  }
  return { json: body, files };
}

/** A plain-text answer. */
export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (status === 204 || body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
