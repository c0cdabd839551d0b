import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { attachGateway, GATEWAY_PATH, type GatewayBotIdentity, type GatewayHub, type GatewayOptions } from '../../src/sandbox/gateway/server.js';
import type { APIGatewayBotInfo, APIMessage, APIUser } from '../../src/discord/types.js';
import { messageObject } from '../support/messages.js';

/** Fixtures shaped like the sandbox's default seed, without depending on the REST sandbox. */
export const GUILD_ID = '100000000000000001';
export const CHANNEL_ID = '100000000000000002';
export const OTHER_GUILD_ID = '100000000000000099';

export const BOT: APIUser = { id: '100000000000000010', username: 'sandbox-bot', discriminator: '0', avatar: null, bot: true };
export const LIMITED_BOT: APIUser = { id: '100000000000000030', username: 'other-bot', discriminator: '0', avatar: null, bot: true };
export const HUMAN: APIUser = { id: '100000000000000020', username: 'sandbox-user', discriminator: '0', avatar: null };

export const BOT_TOKEN = 'gateway-test-bot-token';
export const LIMITED_BOT_TOKEN = 'gateway-test-limited-bot-token';

const IDENTITIES: Record<string, GatewayBotIdentity> = {
  [BOT_TOKEN]: { user: BOT, messageContentAllowed: true },
  [LIMITED_BOT_TOKEN]: { user: LIMITED_BOT, messageContentAllowed: false },
};

export function guildObject(id = GUILD_ID): Record<string, unknown> & { id: string } {
  return {
    id,
    name: 'Sandbox',
    icon: null,
    owner_id: HUMAN.id,
    roles: [{ id, name: '@everyone', permissions: '1024', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
    channels: [{ id: CHANNEL_ID, type: 0, name: 'general', position: 0, parent_id: null, nsfw: false, permission_overwrites: [] }],
  };
}

export interface TestGateway {
  hub: GatewayHub;
  server: Server;
  /** ws://127.0.0.1:PORT */
  baseUrl: string;
  /** ws://127.0.0.1:PORT/gateway */
  gatewayUrl: string;
  api: { getGatewayBot(): Promise<APIGatewayBotInfo> };
  close(): Promise<void>;
}

export async function startTestGateway(overrides: Partial<GatewayOptions> = {}): Promise<TestGateway> {
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  let baseUrl = '';
  const hub = attachGateway({
    server,
    authenticate: (token) => IDENTITIES[token] ?? null,
    // The limited bot is only in the first guild; the main bot also in a second one.
    guildsFor: (botUserId) =>
      botUserId === BOT.id ? [guildObject(), guildObject(OTHER_GUILD_ID)] : botUserId === LIMITED_BOT.id ? [guildObject()] : [],
    publicUrl: () => baseUrl,
    heartbeatIntervalMs: 1000,
    ...overrides,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gatewayUrl = baseUrl + GATEWAY_PATH;
  return {
    hub,
    server,
    baseUrl,
    gatewayUrl,
    api: {
      getGatewayBot: async () => ({
        url: gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      }),
    },
    async close() {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let messageCounter = 0;

export function makeMessage(
  content: string,
  overrides: Partial<APIMessage> & { guild_id?: string } = {},
): APIMessage & { guild_id: string } {
  messageCounter += 1;
  return messageObject({
    id: String(200000000000000000n + BigInt(messageCounter)),
    channel_id: CHANNEL_ID,
    guild_id: GUILD_ID,
    author: HUMAN,
    member: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false },
    content,
    timestamp: new Date().toISOString(),
    ...overrides,
  });
}

export interface Frame {
  op: number;
  d: any;
  s: number | null;
  t: string | null;
}

/** A raw `ws` client that queues every frame so tests can await them in order. */
export class RawGatewayClient {
  private readonly queue: Frame[] = [];
  private readonly waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.queue.push(JSON.parse(data.toString()) as Frame);
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      });
    });
    ws.on('error', () => {});
  }

  static async connect(url: string): Promise<RawGatewayClient> {
    const ws = new WebSocket(url);
    const client = new RawGatewayClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(payload: unknown): void {
    this.ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }

  /** Next queued frame matching `match` (earlier non-matching frames are skipped and dropped). */
  async next(match: (frame: Frame) => boolean = () => true, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.queue.length > 0) {
        const frame = this.queue.shift() as Frame;
        if (match(frame)) return frame;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('timed out waiting for a gateway frame');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Frames received so far and not yet consumed. */
  pending(): Frame[] {
    return [...this.queue];
  }

  async identify(token = BOT_TOKEN, intents = 1 | (1 << 9) | (1 << 15), shard?: [number, number]): Promise<Frame> {
    await this.next((f) => f.op === 10);
    this.send({ op: 2, d: { token, intents, properties: { os: 'linux', browser: 'test', device: 'test' }, ...(shard ? { shard } : {}) } });
    return this.next((f) => f.op === 0 && f.t === 'READY');
  }

  close(code = 1000): void {
    this.ws.close(code);
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** Polls until `check` is true (or throws after `timeoutMs`). */
export { eventually as waitFor } from '../support/eventually.js';
