import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { GatewayClient, gatewayConnectUrl, type GatewayDispatch } from '../../src/discord/gateway-client.js';
import { waitFor } from './helpers.js';

/**
 * A scripted fake Discord gateway: each connection runs the test's script, so the client's
 * handling of situations our sandbox never produces (duplicate replays, heartbeat requests,
 * an unreachable resume URL) can be checked exactly.
 */
interface ScriptedConnection {
  ws: WebSocket;
  url: string;
  received: Array<{ op: number; d: any }>;
  next(op: number): Promise<{ op: number; d: any }>;
  dispatch(t: string, s: number, d: unknown): void;
}

interface ScriptedGateway {
  url: string;
  connections: ScriptedConnection[];
  close(): Promise<void>;
}

const servers: ScriptedGateway[] = [];
const clients: GatewayClient[] = [];

async function scriptedGateway(
  script: (conn: ScriptedConnection, index: number) => void | Promise<void>,
  heartbeatInterval = 60_000,
): Promise<ScriptedGateway> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const connections: ScriptedConnection[] = [];
  wss.on('connection', (ws, req) => {
    const received: ScriptedConnection['received'] = [];
    const waiters: Array<() => void> = [];
    ws.on('message', (data) => {
      received.push(JSON.parse(data.toString()));
      for (const w of waiters.splice(0)) w();
    });
    const conn: ScriptedConnection = {
      ws,
      url: req.url ?? '',
      received,
      async next(op) {
        for (;;) {
          const found = received.find((f) => f.op === op);
          if (found) {
            received.splice(received.indexOf(found), 1);
            return found;
          }
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      },
      dispatch(t, s, d) {
        ws.send(JSON.stringify({ op: 0, t, s, d }));
      },
    };
    connections.push(conn);
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: heartbeatInterval } }));
    void script(conn, connections.length - 1);
  });
  const port = (wss.address() as AddressInfo).port;
  const gateway: ScriptedGateway = {
    url: `ws://127.0.0.1:${port}`,
    connections,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
  servers.push(gateway);
  return gateway;
}

function clientFor(url: string, dispatches: GatewayDispatch[], random = () => 0.5): GatewayClient {
  const client = new GatewayClient({
    token: 'scripted-token',
    intents: 33281,
    api: {
      getGatewayBot: async () => ({
        url,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      }),
    },
    onDispatch: (d) => dispatches.push(d),
    reconnect: { baseDelayMs: 10, maxDelayMs: 50, maxAttempts: 5 },
    invalidSessionDelayMs: { min: 10, max: 20 },
    random,
  });
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) await client.stop();
  for (const server of servers.splice(0)) await server.close();
});

describe('GatewayClient protocol details (scripted gateway)', () => {
  it('sends IDENTIFY with token, intents and properties, on ?v=10&encoding=json', async () => {
    const gateway = await scriptedGateway(async (conn) => {
      await conn.next(2);
      conn.dispatch('READY', 1, { session_id: 's1', resume_gateway_url: 'ws://unused', user: {}, guilds: [] });
    });
    const dispatches: GatewayDispatch[] = [];
    await clientFor(gateway.url, dispatches).start();
    const conn = gateway.connections[0]!;
    expect(conn.url).toBe('/?v=10&encoding=json');
    expect(gatewayConnectUrl('ws://h:1/gateway')).toBe('ws://h:1/gateway/?v=10&encoding=json');
    expect(gatewayConnectUrl('wss://gateway.discord.gg')).toBe('wss://gateway.discord.gg/?v=10&encoding=json');
  });

  it('identify payload has the documented shape', async () => {
    let identify: { op: number; d: any } | undefined;
    const gateway = await scriptedGateway(async (conn) => {
      identify = await conn.next(2);
      conn.dispatch('READY', 1, { session_id: 's1', resume_gateway_url: 'ws://unused', user: {}, guilds: [] });
    });
    await clientFor(gateway.url, []).start();
    expect(identify).toEqual({
      op: 2,
      d: { token: 'scripted-token', intents: 33281, properties: { os: process.platform, browser: 'cordform', device: 'cordform' } },
    });
  });

  it('waits interval × jitter before the first heartbeat, answers op 1 at once, and sends the last sequence', async () => {
    const gateway = await scriptedGateway(async (conn) => {
      await conn.next(2);
      conn.dispatch('READY', 1, { session_id: 's1', resume_gateway_url: 'ws://unused' });
      conn.dispatch('GUILD_CREATE', 2, {});
    }, 1000);
    const started = Date.now();
    // jitter 0.25 of 1000 ms → first heartbeat after ~250 ms, well before a full interval
    await clientFor(gateway.url, [], () => 0.25).start();
    const conn = gateway.connections[0]!;
    const first = await conn.next(1);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(elapsed).toBeLessThan(950);
    expect(first.d).toBe(2);
    conn.ws.send(JSON.stringify({ op: 11 }));

    const requestedAt = Date.now();
    conn.ws.send(JSON.stringify({ op: 1, d: null }));
    await conn.next(1);
    expect(Date.now() - requestedAt).toBeLessThan(500);
  });

  it('resumes on resume_gateway_url with the last seq and drops replayed events it already delivered', async () => {
    let resumeUrlHits = 0;
    const resumeGateway = await scriptedGateway(async (conn) => {
      resumeUrlHits += 1;
      const resume = await conn.next(6);
      expect(resume.d).toEqual({ token: 'scripted-token', session_id: 'sess', seq: 3 });
      // Replays 2 and 3 again (already delivered), then the missed 4, then RESUMED.
      conn.dispatch('MESSAGE_CREATE', 2, { content: 'b' });
      conn.dispatch('MESSAGE_CREATE', 3, { content: 'c' });
      conn.dispatch('MESSAGE_CREATE', 4, { content: 'd' });
      conn.dispatch('RESUMED', 5, {});
      conn.dispatch('MESSAGE_CREATE', 6, { content: 'e' });
    });
    const gateway = await scriptedGateway(async (conn) => {
      await conn.next(2);
      conn.dispatch('READY', 1, { session_id: 'sess', resume_gateway_url: resumeGateway.url });
      conn.dispatch('MESSAGE_CREATE', 2, { content: 'b' });
      conn.dispatch('MESSAGE_CREATE', 3, { content: 'c' });
      conn.ws.close(4000, 'bye');
    });
    const dispatches: GatewayDispatch[] = [];
    const client = clientFor(gateway.url, dispatches);
    await client.start();
    await waitFor(() => dispatches.some((d) => d.s === 6));
    expect(dispatches.map((d) => [d.t, d.s])).toEqual([
      ['READY', 1],
      ['MESSAGE_CREATE', 2],
      ['MESSAGE_CREATE', 3],
      ['MESSAGE_CREATE', 4],
      ['RESUMED', 5],
      ['MESSAGE_CREATE', 6],
    ]);
    expect(resumeUrlHits).toBe(1);
    expect(client.status()).toMatchObject({ sequence: 6, resumes: 1, sessionId: 'sess' });
  });

  it('falls back to the cached gateway URL when the resume URL is unreachable', async () => {
    const dead = await scriptedGateway(() => {});
    const deadUrl = dead.url;
    await dead.close();
    servers.splice(servers.indexOf(dead), 1);
    const gateway = await scriptedGateway(async (conn, index) => {
      if (index === 0) {
        await conn.next(2);
        conn.dispatch('READY', 1, { session_id: 'sess', resume_gateway_url: deadUrl });
        conn.ws.close(4000);
        return;
      }
      const resume = await conn.next(6);
      expect(resume.d.session_id).toBe('sess');
      conn.dispatch('RESUMED', 2, {});
    });
    const dispatches: GatewayDispatch[] = [];
    const client = clientFor(gateway.url, dispatches);
    await client.start();
    await waitFor(() => dispatches.some((d) => d.t === 'RESUMED'));
    expect(gateway.connections).toHaveLength(2);
  });

  it('re-identifies when a RESUME is answered with op 9 d=false', async () => {
    const gateway = await scriptedGateway(async (conn, index) => {
      if (index === 0) {
        await conn.next(2);
        conn.dispatch('READY', 1, { session_id: 'old', resume_gateway_url: gateway.url });
        conn.ws.close(4000);
      } else if (index === 1) {
        await conn.next(6);
        conn.ws.send(JSON.stringify({ op: 9, d: false }));
      } else {
        await conn.next(2);
        conn.dispatch('READY', 1, { session_id: 'new', resume_gateway_url: gateway.url });
      }
    });
    const dispatches: GatewayDispatch[] = [];
    const client = clientFor(gateway.url, dispatches);
    await client.start();
    await waitFor(() => client.status().sessionId === 'new' && client.status().ready);
    expect(dispatches.map((d) => [d.t, d.s])).toEqual([
      ['READY', 1],
      ['READY', 1],
    ]);
  });

  it('ignores undecodable frames from the server', async () => {
    const gateway = await scriptedGateway(async (conn) => {
      conn.ws.send('not json');
      conn.ws.send(Buffer.from([1, 2, 3]));
      conn.ws.send('{"op":0,"t":5}');
      await conn.next(2);
      conn.dispatch('READY', 1, { session_id: 's', resume_gateway_url: 'ws://unused' });
    });
    const client = clientFor(gateway.url, []);
    await client.start();
    expect(client.status().ready).toBe(true);
  });
});
