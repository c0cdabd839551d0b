import { connect, type Socket } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_LIMITS, startRuntimeHttpServer, type RuntimeHttpServer } from '../../src/runtime/http-server.js';

/**
 * The runtime's HTTP server against slow-header clients, with real sockets: past
 * `maxConnections` new sockets are closed at once (file descriptors stay free for outbound
 * requests), every slow one is closed soon after the header deadline (the connection check
 * runs every second, not Node's 30 s), and /healthz is answered again within that time.
 */
let server: RuntimeHttpServer | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
});

/** A client that sends a request line and then one header line every 100 ms, never finishing. */
function slowHeaders(port: number): { socket: Socket; closed: Promise<number> } {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  const opened = Date.now();
  socket.on('error', () => {});
  socket.on('connect', () => socket.write('GET /healthz HTTP/1.1\r\nHost: runtime\r\n'));
  const timer = setInterval(() => {
    if (socket.writable) socket.write(`X-Slow-${Date.now()}: 1\r\n`);
  }, 100);
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      resolve(Date.now() - opened);
    }),
  );
  return { socket, closed };
}

async function healthzWithin(port: number, ms: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(300) });
      if (response.status === 200) return Date.now() - started;
    } catch {
      // refused or dropped while the slots are full: try again
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`/healthz did not answer within ${ms} ms`);
}

describe('runtime HTTP server under slow-header clients', () => {
  it('bounds the sockets, closes slow clients right after the header deadline, and /healthz answers again', async () => {
    let dropped = 0;
    const limits = { maxConnections: 40, headersTimeoutMs: 1000, requestTimeoutMs: 2000, checkIntervalMs: 250 };
    server = await startRuntimeHttpServer(
      { isReady: () => true, registry: new Registry(), onConnectionDropped: () => (dropped += 1), limits },
      { port: 0, host: '127.0.0.1' },
    );
    const port = server.port;
    const attack = Array.from({ length: 120 }, () => slowHeaders(port));
    const started = Date.now();

    // The 80 over the limit are closed at once, not held.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const open = attack.filter(({ socket }) => !socket.destroyed && socket.readyState === 'open').length;
    expect(open).toBeLessThanOrEqual(limits.maxConnections);
    expect(dropped).toBeGreaterThanOrEqual(120 - limits.maxConnections);

    // Every slow client is gone shortly after the header deadline, and /healthz is served.
    const lifetimes = await Promise.all(attack.map(({ closed }) => closed));
    expect(Math.max(...lifetimes)).toBeLessThan(limits.headersTimeoutMs + 2 * limits.checkIntervalMs + 1000);
    const healthy = await healthzWithin(port, 3000);
    expect(Date.now() - started - healthy).toBeLessThan(limits.headersTimeoutMs + 2 * limits.checkIntervalMs + 1000);
  });

  it('defaults: a header deadline of seconds, checked every second, and a connection cap below a 1024-descriptor limit', () => {
    expect(DEFAULT_SERVER_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(5000);
    expect(DEFAULT_SERVER_LIMITS.checkIntervalMs).toBeLessThanOrEqual(1000);
    expect(DEFAULT_SERVER_LIMITS.requestTimeoutMs).toBeGreaterThan(DEFAULT_SERVER_LIMITS.headersTimeoutMs);
    expect(DEFAULT_SERVER_LIMITS.maxConnections).toBeLessThanOrEqual(512);
  });
});
