import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CreateMessageBody, DiscordApi, ExecuteWebhookBody } from '../../src/discord/api.js';
import type { GatewayClientOptions, GatewayStatus } from '../../src/discord/gateway-client.js';
import type { APIChannel, APIGuild, APIMessage, APIWebhook } from '../../src/discord/types.js';
import type {
  ActionDeclaration,
  CommandDeclaration,
  GuildDeclaration,
  Manifest,
  WebhookDeclaration,
} from '../../src/manifest/types.js';
import type { GatewayMessage } from '../../src/runtime/router.js';
import type { ShardGateway } from '../../src/runtime/runtime.js';
import { messageObject } from '../support/messages.js';

/** Small builders for runtime tests: manifests, messages, a DiscordApi double, HTTP targets. */
export const BOT_ID = '100000000000000010';
export const HUMAN_ID = '100000000000000020';
export const GUILD_ID = '100000000000000001';
export const GENERAL = '100000000000000002';
export const DEPLOYS = '100000000000000003';
export const OTHER_GUILD_CHANNEL = '900000000000000002';

const here = { file: 'cordform.yaml', line: 1, column: 1 };

export function command(name: string, actions: ActionDeclaration[], extra: Partial<CommandDeclaration> = {}): CommandDeclaration {
  return {
    name,
    prefix: true,
    inhibitors: { permissions: [], roles: [], channels: [], nsfw: false },
    allowMentions: false,
    actions,
    location: here,
    ...extra,
  };
}

export function httpPost(url: string, extra: Partial<Extract<ActionDeclaration, { type: 'HTTP_POST' }>> = {}): ActionDeclaration {
  return { type: 'HTTP_POST', url, timeoutMs: 5000, headers: {}, location: here, ...extra };
}

export function sendMessage(message: string, channelId = '{{channel_id}}'): ActionDeclaration {
  return { type: 'SEND_MESSAGE_TO_CHANNEL', channelId, message, location: here };
}

export function thirdParty(url: string, token: string, extra: Partial<Extract<ActionDeclaration, { type: 'THIRD_PARTY_MESSAGE' }>> = {}): ActionDeclaration {
  return {
    type: 'THIRD_PARTY_MESSAGE',
    url,
    token,
    userId: '{{author.id}}',
    message: '{{args}}',
    timeoutMs: 2000,
    location: here,
    ...extra,
  };
}

export function webhook(name: string, channel = DEPLOYS): WebhookDeclaration {
  return { key: `${GUILD_ID}/${channel}/${name}`, guildId: GUILD_ID, name, channel, location: here };
}

export function guild(commands: CommandDeclaration[], extra: Partial<GuildDeclaration> = {}): GuildDeclaration {
  return {
    id: GUILD_ID,
    prune: true,
    prefix: '>',
    thresholds: { minExisting: 10, updatePercent: 0.3, deletePercent: 0.3 },
    webhooks: [],
    commands,
    location: here,
    ...extra,
  };
}

export function manifest(guilds: GuildDeclaration[], extra: Partial<Manifest> = {}): Manifest {
  return {
    version: 1,
    files: ['/tmp/cordform.yaml'],
    discord: { token: 'sandbox-bot-token', apiBase: 'http://127.0.0.1:1/api/v10' },
    runtime: { blockPrivateAddresses: false },
    guilds,
    ...extra,
  };
}

let nextId = 200000000000000000n;

export function message(content: string, extra: Partial<GatewayMessage> = {}): GatewayMessage {
  nextId += 1n;
  return messageObject({
    id: String(nextId),
    channel_id: GENERAL,
    guild_id: GUILD_ID,
    author: { id: HUMAN_ID, username: 'human', discriminator: '0', avatar: null },
    member: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false },
    content,
    ...extra,
  });
}

/** A DiscordApi double recording the calls the runtime makes. */
export class FakeDiscordApi implements DiscordApi {
  readonly created: { channelId: string; body: CreateMessageBody }[] = [];
  readonly executed: { webhookId: string; token: string; body: ExecuteWebhookBody }[] = [];
  channels: APIChannel[] = [
    { id: GENERAL, type: 0, guild_id: GUILD_ID, name: 'general' },
    { id: DEPLOYS, type: 0, guild_id: GUILD_ID, name: 'deploys', nsfw: true },
  ];
  webhooks: APIWebhook[] = [];
  guildObject: APIGuild = { id: GUILD_ID, name: 'g', icon: null, owner_id: '1', roles: [{ id: GUILD_ID, name: '@everyone', permissions: '0', position: 0 }] };
  webhookLookups = 0;
  private waiters: (() => void)[] = [];

  getCurrentUser = async () => ({ id: BOT_ID, username: 'bot', discriminator: '0', avatar: null, bot: true });
  getGatewayBot = async () => ({ url: 'ws://x', shards: 1, session_start_limit: { total: 1, remaining: 1, reset_after: 0, max_concurrency: 1 } });
  getGuild = async () => this.guildObject;
  getGuildChannels = async () => this.channels;
  getGuildMember = async () => unsupported();
  getGuildWebhooks = async () => {
    this.webhookLookups += 1;
    return this.webhooks;
  };
  getChannelWebhooks = async () => unsupported();
  getGuildAuditLog = async () => unsupported();
  getWebhook = async () => unsupported();
  createWebhook = async () => unsupported();
  modifyWebhook = async () => unsupported();
  deleteWebhook = async () => unsupported();
  executeWebhook = async (webhookId: string, token: string, body: ExecuteWebhookBody) => {
    this.executed.push({ webhookId, token, body });
    this.notify();
    return fakeMessage(webhookId, body.content ?? '');
  };
  createMessage = async (channelId: string, body: CreateMessageBody) => {
    this.created.push({ channelId, body });
    this.notify();
    return fakeMessage(channelId, body.content ?? '');
  };
  getGuildCommands = async () => unsupported();
  bulkOverwriteGuildCommands = async () => unsupported();
  createInteractionResponse = async () => unsupported();
  editOriginalInteractionResponse = async () => unsupported();
  createFollowupMessage = async () => unsupported();

  /** Resolves once `count` messages were created or webhooks executed in total. */
  async waitForWrites(count: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.created.length + this.executed.length < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} writes`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

function unsupported(): never {
  throw new Error('not used by the runtime tests');
}

function fakeMessage(channelId: string, content: string): APIMessage {
  return messageObject({
    id: '1',
    channel_id: channelId,
    author: { id: BOT_ID, username: 'bot', discriminator: '0', avatar: null, bot: true },
    content,
  });
}

/** A gateway double: READY at once; tests push dispatches through `emit`. */
export class FakeGateway implements ShardGateway {
  options: GatewayClientOptions | undefined;
  ready = false;
  private sequence = 0;
  private resolveClosed: () => void = () => {};
  private readonly closedPromise = new Promise<void>((resolve) => {
    this.resolveClosed = resolve;
  });

  readonly factory = (options: GatewayClientOptions): ShardGateway => {
    this.options = options;
    return this;
  };

  async start(): Promise<void> {
    this.ready = true;
  }
  async stop(): Promise<void> {
    this.ready = false;
    this.resolveClosed();
  }
  status(): GatewayStatus {
    return { ready: this.ready, sessionId: 'fake', sequence: this.sequence, resumes: 0, reconnects: 0 };
  }
  closed(): Promise<void> {
    return this.closedPromise;
  }
  emit(d: GatewayMessage, t = 'MESSAGE_CREATE'): void {
    this.sequence += 1;
    this.options?.onDispatch({ t, s: this.sequence, d });
  }
}

export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  url: string;
}

export interface Target {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** A local HTTP target on 127.0.0.1:0; `handler` answers after the body was read. */
export async function startTarget(
  handler: (req: Received, res: ServerResponse) => void | Promise<void>,
): Promise<Target> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), url: req.url ?? '/' };
      received.push(entry);
      void Promise.resolve(handler(entry, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function replyJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Polls until `check` is true (for effects that happen after a response). */
export { eventually } from '../support/eventually.js';
