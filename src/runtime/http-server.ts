import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { listenOn } from '../listen.js';

/**
 * The runtime's own HTTP endpoints: `GET /healthz` (200 once every gateway shard is READY,
 * else 503), `GET /metrics` (Prometheus text), `POST /interactions` (interactions.ts; the raw
 * body, at most 64 KiB, is what the signature covers) and `POST /v1/actions` (callbacks from
 * HTTP_POST targets, callbacks/).
 *
 * The server is exposed to the internet (Discord must reach /interactions), so it bounds
 * what a client can hold: at most `maxConnections` sockets (past that, new ones are closed at
 * once, leaving file descriptors for outbound requests), the request headers within
 * `headersTimeout`, the whole request within `requestTimeout`, and a connection check every
 * `checkIntervalMs` — Node's default of 30 s would let a slow-header client keep its socket
 * that much past the header deadline.
 */
export interface ServerLimits {
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  checkIntervalMs: number;
  keepAliveTimeoutMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxConnections: 512,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  checkIntervalMs: 1_000,
  keepAliveTimeoutMs: 5_000,
};

/** Largest body any POST route reads; more is answered 413 without buffering it. */
const MAX_BODY_BYTES = 64 * 1024;

export interface JsonRequest {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface JsonAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Work to start once the answer has been written (a deferred command). */
  after?: () => void;
}

export type JsonHandler = (request: JsonRequest) => JsonAnswer | Promise<JsonAnswer>;

export interface RuntimeHttpServerOptions {
  isReady(): boolean;
  registry: Registry;
  /** Slash commands over HTTP; absent → 503. */
  interactions?: JsonHandler;
  /** `POST /v1/actions`; absent → 503. */
  actions?: JsonHandler;
  /** A connection refused because `maxConnections` were open. */
  onConnectionDropped?: () => void;
  limits?: Partial<ServerLimits>;
}

export interface RuntimeHttpServer {
  port: number;
  close(): Promise<void>;
}

export async function startRuntimeHttpServer(
  options: RuntimeHttpServerOptions,
  listen: { port: number; host: string },
): Promise<RuntimeHttpServer> {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    (req, res) => {
      handle(options, req, res).catch(() => {
        if (!res.headersSent) json(res, 500, { message: 'internal error' });
        else res.destroy();
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.on('drop', () => options.onConnectionDropped?.());
  const port = await listenOn(server, listen.port, listen.host);
  return { port, close: () => closeServer(server) };
}

const ROUTES: Record<string, { method: 'GET' | 'POST'; handler?: (o: RuntimeHttpServerOptions) => JsonHandler | undefined }> = {
  '/healthz': { method: 'GET' },
  '/metrics': { method: 'GET' },
  '/interactions': { method: 'POST', handler: (o) => o.interactions },
  '/v1/actions': { method: 'POST', handler: (o) => o.actions },
};

async function handle(options: RuntimeHttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://runtime').pathname;
  const route = ROUTES[path];
  if (!route) return json(res, 404, { message: 'not found' });
  if (req.method !== route.method && !(route.method === 'GET' && req.method === 'HEAD')) {
    res.setHeader('allow', route.method);
    return json(res, 405, { message: 'method not allowed' });
  }
  if (route.handler) return handlePost(route.handler(options), req, res);
  req.resume();
  if (path === '/metrics') {
    const text = await options.registry.metrics();
    res.writeHead(200, { 'content-type': options.registry.contentType });
    res.end(text);
    return;
  }
  const ready = options.isReady();
  return json(res, ready ? 200 : 503, { status: ready ? 'ok' : 'starting', gateway: ready ? 'ready' : 'not ready' });
}

async function handlePost(handler: JsonHandler | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readCapped(req, MAX_BODY_BYTES);
  if (body === null) {
    res.setHeader('connection', 'close');
    return json(res, 413, { error: 'request body too large' });
  }
  if (!handler) return json(res, 503, { error: 'not configured' });
  const answer = await handler({ headers: req.headers, body });
  // Deferred work starts once the answer is on its way.
  if (answer.after) res.once('finish', answer.after);
  json(res, answer.status, answer.body, answer.headers);
}

/** The whole body, or null as soon as it exceeds `max` bytes (the rest is discarded). */
function readCapped(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > max;
    if (over) resolve(null);
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
