import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assertNever } from '../../errors.js';
import type { RouteResult } from '../context.js';
import type { FaultRoute } from './faults.js';
import type { FaultSpec } from './faults-spec.js';
import type { RequestLogEntry } from './request-log.js';

/**
 * What each fault does to one request. Answers look like Discord's: the JSON error body
 * (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json) and, for 429s,
 * the headers and body of https://discord.com/developers/docs/topics/rate-limits.
 */
const STATUS_MESSAGES: Record<number, string> = {
  401: '401: Unauthorized',
  500: '500: Internal Server Error',
  502: '502: Bad Gateway',
  503: '503: Service Unavailable',
  504: '504: Gateway Timeout',
};

const DEFAULT_RETRY_AFTER_MS = 1000;
/** What the default sandbox profile allows per route bucket; sent on bucket 429s. */
const BUCKET_LIMIT = 5;

/** Before the handler: wait (latency), or answer instead of applying (status, 429, reset). */
export async function applyEarlyFault(
  spec: FaultSpec,
  route: FaultRoute,
  entry: RequestLogEntry,
  headers: Record<string, string>,
): Promise<RouteResult | null> {
  switch (spec.fault) {
    case 'latency':
      await sleep(spec.latency_ms);
      return null;
    case 'status':
      return { status: spec.status, body: { message: STATUS_MESSAGES[spec.status] ?? `${spec.status}`, code: 0 } };
    case 'rate_limit':
      return rateLimited(spec, route, entry, headers);
    case 'reset':
      // Status 0 in the request log: no answer. deliver() destroys the socket.
      return { status: 0 };
    case 'drop_after_write':
    case 'truncate':
      return null;
    default:
      return assertNever(spec, 'fault');
  }
}

/** After the handler: true when the fault took over the socket. */
export function deliverWithFault(
  spec: FaultSpec,
  req: IncomingMessage,
  res: ServerResponse,
  result: RouteResult,
  headers: Record<string, string>,
): boolean {
  switch (spec.fault) {
    case 'reset':
    case 'drop_after_write':
      req.socket.destroy();
      return true;
    case 'truncate':
      sendTruncated(req, res, result, headers);
      return true;
    case 'latency':
    case 'status':
    case 'rate_limit':
      return false;
    default:
      return assertNever(spec, 'fault');
  }
}

function rateLimited(
  spec: Extract<FaultSpec, { fault: 'rate_limit' }>,
  route: FaultRoute,
  entry: RequestLogEntry,
  headers: Record<string, string>,
): RouteResult {
  const scope = spec.scope ?? (spec.global ? 'global' : 'user');
  const retryAfter = (spec.retry_after_ms ?? DEFAULT_RETRY_AFTER_MS) / 1000;
  entry.scope = scope;
  headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfter)));
  headers['X-RateLimit-Scope'] = scope;
  if (scope === 'global') {
    // A global 429 has no bucket headers (Discord's rule).
    headers['X-RateLimit-Global'] = 'true';
    return { status: 429, body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true } };
  }
  const bucket = bucketHash(route.bucket);
  entry.bucket = bucket;
  Object.assign(headers, {
    'X-RateLimit-Limit': String(BUCKET_LIMIT),
    'X-RateLimit-Remaining': '0',
    'X-RateLimit-Reset': ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
    'X-RateLimit-Reset-After': retryAfter.toFixed(3),
    'X-RateLimit-Bucket': bucket,
  });
  const message = scope === 'shared' ? 'The resource is being rate limited.' : 'You are being rate limited.';
  return { status: 429, body: { message, retry_after: retryAfter, global: false } };
}

/** Same hash as RateLimiter (rate-limit.ts), so a client learns one bucket either way. */
function bucketHash(bucket: string): string {
  return createHash('md5').update(`cordform-sandbox/${bucket}`).digest('hex');
}

/**
 * A well-formed HTTP answer whose JSON body is cut in half (Content-Length matches the cut
 * body, so only the JSON is broken). An answer without a body (204) cannot be truncated:
 * the socket is destroyed instead, as with drop_after_write.
 */
function sendTruncated(req: IncomingMessage, res: ServerResponse, result: RouteResult, headers: Record<string, string>): void {
  if (result.status === 204 || result.body === undefined) {
    req.socket.destroy();
    return;
  }
  const text = JSON.stringify(result.body);
  const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.writeHead(result.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(cut) });
  res.end(cut);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
