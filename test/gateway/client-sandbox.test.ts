import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient, type GatewayDispatch } from '../../src/discord/gateway-client.js';
import type { APIGatewayBotInfo } from '../../src/discord/types.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { waitFor } from './helpers.js';

/** The runtime's gateway client against the whole sandbox (REST GET /gateway/bot + admin API). */
const TOKEN = 'sandbox-bot-token';
let sandbox: Sandbox;
let client: GatewayClient | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({ gatewayHeartbeatMs: 100 });
});

afterAll(async () => {
  await client?.stop();
  await sandbox?.close();
});

async function postAsUser(content: string): Promise<void> {
  const response = await fetch(`${sandbox.url}/__sandbox/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channel_id: '100000000000000002', author_id: '100000000000000020', content }),
  });
  expect(response.status).toBe(200);
}

describe('GatewayClient against the sandbox', () => {
  it('gets the URL from GET /gateway/bot, becomes ready and receives admin-posted messages across a resume', async () => {
    const dispatches: GatewayDispatch[] = [];
    client = new GatewayClient({
      token: TOKEN,
      intents: (1 << 0) | (1 << 9) | (1 << 15),
      api: {
        getGatewayBot: async () => {
          const response = await fetch(`${sandbox.apiBase}/gateway/bot`, { headers: { authorization: `Bot ${TOKEN}` } });
          expect(response.status).toBe(200);
          return (await response.json()) as APIGatewayBotInfo;
        },
      },
      onDispatch: (dispatch) => dispatches.push(dispatch),
      reconnect: { baseDelayMs: 20, maxDelayMs: 200 },
    });
    await client.start();
    expect(dispatches[0]).toMatchObject({ t: 'READY', s: 1, d: { user: { id: '100000000000000010' } } });
    expect(dispatches.some((d) => d.t === 'GUILD_CREATE' && (d.d as { id: string }).id === '100000000000000001')).toBe(true);

    const contents = () =>
      dispatches.filter((d) => d.t === 'MESSAGE_CREATE').map((d) => (d.d as { content: string; guild_id?: string }).content);
    await postAsUser('>ping one');
    await waitFor(() => contents().length === 1);
    const first = dispatches.find((d) => d.t === 'MESSAGE_CREATE')?.d as Record<string, unknown>;
    expect(first).toMatchObject({ content: '>ping one', channel_id: '100000000000000002', guild_id: '100000000000000001' });

    sandbox.hub.disconnectAll(4000);
    await postAsUser('>ping two');
    await waitFor(() => contents().length === 2 && client!.status().resumes === 1);
    expect(contents()).toEqual(['>ping one', '>ping two']);
  });
});
