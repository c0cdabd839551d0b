import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/**
 * The runtime's own HTTP endpoints: `GET /healthz` (200 once the gateway is READY, else
 * 503), `GET /metrics` (Prometheus text) and `POST /interactions`, which answers 404 until
 * HTTP interactions are built.
 */
export interface RuntimeHttpServerOptions {
  isReady(): boolean;
  registry: Registry;
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
      // POST /interactions: HTTP interactions are a later piece of issue 4.
      return json(res, 404, { message: 'interactions are not enabled in this runtime' });
  }
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
