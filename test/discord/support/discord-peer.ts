import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A small HTTP server that plays Discord's rate-limit headers deterministically — a test
 * peer for the REST client, not a mock of it: the client talks real HTTP to it.
 *
 * Buckets are fixed windows like Discord's: a window opens with the first request of a
 * (hash, major) pair and resets `windowMs` later. Every response carries Limit / Remaining /
 * Reset / Reset-After / Bucket; a request over the limit is answered 429 (and counted).
 * `respond` lets a test inject faults or bodies per request.
 */
export interface PeerBucket {
  hash: string;
  limit: number;
  windowMs: number;
}

export interface PeerRequest {
  index: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** performance.now() at arrival. */
  at: number;
  /** Filled in when the peer answered. */
  status?: number;
  /** Requests being handled when this one arrived (this one excluded). */
  concurrent: number;
}

export type PeerReply =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number; raw?: string }
  | { destroy: true }
  | { hang: true };

export interface PeerOptions {
  /** Bucket of a request, or undefined for an unlimited route. `major` decides the key. */
  bucketOf?: (method: string, path: string) => { bucket: PeerBucket; major: string } | undefined;
  /** Return a reply to override the default; called before rate limiting when `beforeLimits`. */
  respond?: (request: PeerRequest) => PeerReply | undefined;
  /** Delay every default response by this much. */
  latencyMs?: number;
}

interface Window {
  count: number;
  resetAt: number;
}

export interface Peer {
  apiBase: string;
  requests: PeerRequest[];
  close(): Promise<void>;
  count429(): number;
}

export async function startPeer(options: PeerOptions = {}): Promise<Peer> {
  const windows = new Map<string, Window>();
  const requests: PeerRequest[] = [];
  const sockets = new Set<Socket>();
  let active = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://peer');
      const path = url.pathname.replace(/^\/api\/v10/, '');
      const record: PeerRequest = {
        index: requests.length,
        method: req.method ?? 'GET',
        path,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
        concurrent: active,
      };
      requests.push(record);
      active += 1;
      res.on('close', () => {
        active -= 1;
      });
      handle(record, res);
    });
  });

  function handle(record: PeerRequest, res: ServerResponse): void {
    const custom = options.respond?.(record);
    if (custom && 'destroy' in custom) {
      record.status = 0;
      res.socket?.destroy();
      return;
    }
    if (custom && 'hang' in custom) {
      record.status = -1;
      return;
    }
    const limited = rateLimit(record);
    if (limited.status === 429) {
      reply(record, res, { status: 429, body: limited.body, headers: limited.headers });
      return;
    }
    const base: PeerReply = custom ?? {
      status: 200,
      body: { ok: true, method: record.method, path: record.path, index: record.index },
      ...(options.latencyMs ? { delayMs: options.latencyMs } : {}),
    };
    if (!('status' in base)) return;
    reply(record, res, { ...base, headers: { ...limited.headers, ...base.headers } });
  }

  function rateLimit(record: PeerRequest): { status: number; headers: Record<string, string>; body?: unknown } {
    const found = options.bucketOf?.(record.method, record.path);
    if (!found) return { status: 200, headers: {} };
    const { bucket, major } = found;
    const key = `${bucket.hash}:${major}`;
    const now = Date.now();
    let window = windows.get(key);
    if (!window || now >= window.resetAt) {
      window = { count: 0, resetAt: now + bucket.windowMs };
      windows.set(key, window);
    }
    const over = window.count >= bucket.limit;
    if (!over) window.count += 1;
    const resetAfter = Math.max(0, window.resetAt - now) / 1000;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(bucket.limit),
      'x-ratelimit-remaining': String(Math.max(0, bucket.limit - window.count)),
      'x-ratelimit-reset': (window.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': resetAfter.toFixed(3),
      'x-ratelimit-bucket': bucket.hash,
    };
    if (!over) return { status: 200, headers };
    return {
      status: 429,
      headers: { ...headers, 'retry-after': String(Math.ceil(resetAfter)), 'x-ratelimit-scope': 'user' },
      body: { message: 'You are being rate limited.', retry_after: resetAfter, global: false },
    };
  }

  function reply(
    record: PeerRequest,
    res: ServerResponse,
    r: { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number; raw?: string },
  ): void {
    const send = (): void => {
      record.status = r.status;
      const text = r.raw ?? (r.body === undefined || r.status === 204 ? '' : JSON.stringify(r.body));
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(text);
    };
    if (r.delayMs) setTimeout(send, r.delayMs);
    else send();
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiBase: `http://127.0.0.1:${port}/api/v10`,
    requests,
    count429: () => requests.filter((r) => r.status === 429).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `/channels/{id}/…`, `/guilds/{id}/…`, `/webhooks/{id}[/{token}]` → major parameter. */
export function majorOf(path: string): string {
  const [, resource, id, token] = path.split('/');
  if (resource === 'webhooks' && token) return `${id}/${token}`;
  return id ?? 'global';
}
