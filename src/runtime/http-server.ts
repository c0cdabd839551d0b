import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { MAX_INTERACTION_BODY_BYTES, type InteractionAnswer, type InteractionRequest } from './interactions.js';

/**
 * The runtime's own HTTP endpoints: `GET /healthz` (200 once the gateway is READY, else
 * 503), `GET /metrics` (Prometheus text) and `POST /interactions` (interactions.ts; the raw
 * body, at most 64 KiB, is what the signature covers).
 */
export interface RuntimeHttpServerOptions {
  isReady(): boolean;
  registry: Registry;
  /** Slash commands over HTTP; absent → 503. */
  interactions?: (request: InteractionRequest) => InteractionAnswer;
}

export interface RuntimeHttpServer {
  port: number;
  close(): Promise<void>;
}

export async function startRuntimeHttpServer(
  options: RuntimeHttpServerOptions,
  listen: { port: number; host: string },
): Promise<RuntimeHttpServer> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { message: 'internal error' });
      else res.destroy();
    });
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { port: (server.address() as AddressInfo).port, close: () => closeServer(server) };
}

async function handle(options: RuntimeHttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://runtime').pathname;
  const route = ROUTES[path];
  if (!route) return json(res, 404, { message: 'not found' });
  if (req.method !== route.method && !(route.method === 'GET' && req.method === 'HEAD')) {
    res.setHeader('allow', route.method);
    return json(res, 405, { message: 'method not allowed' });
  }
  if (path === '/interactions') return handleInteraction(options, req, res);
  req.resume();
  switch (path) {
    case '/healthz': {
      const ready = options.isReady();
      return json(res, ready ? 200 : 503, { status: ready ? 'ok' : 'starting', gateway: ready ? 'ready' : 'not ready' });
    }
    case '/metrics': {
      const text = await options.registry.metrics();
      res.writeHead(200, { 'content-type': options.registry.contentType });
      res.end(text);
      return;
    }
    default:
      return json(res, 404, { message: 'not found' });
  }
}

async function handleInteraction(options: RuntimeHttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readCapped(req, MAX_INTERACTION_BODY_BYTES);
  if (body === null) {
    res.setHeader('connection', 'close');
    return json(res, 413, { error: 'request body too large' });
  }
  if (!options.interactions) return json(res, 503, { error: 'interactions are not configured' });
  const answer = options.interactions({ headers: req.headers, body });
  // The deferred work starts once the deferral is on its way to Discord.
  if (answer.after) res.once('finish', answer.after);
  json(res, answer.status, answer.body);
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

const ROUTES: Record<string, { method: 'GET' | 'POST' }> = {
  '/healthz': { method: 'GET' },
  '/metrics': { method: 'GET' },
  '/interactions': { method: 'POST' },
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
