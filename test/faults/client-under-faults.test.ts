import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DiscordRequestOutcomeUnknown } from '../../src/discord/discord-api-error.js';
import { resolveRequestTimeout } from '../../src/discord/client-settings.js';
import { DiscordRestClient } from '../../src/discord/rest-client.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { BOT, GENERAL } from '../sandbox/helpers.js';

/** The REST client against the sandbox's faults, one behaviour at a time. */
let sandbox: Sandbox;
let api: DiscordRestClient;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off' });
  api = new DiscordRestClient({ apiBase: sandbox.apiBase, token: BOT.token, backoff: { baseMs: 10, maxMs: 40 }, timeoutMs: 200 });
});
afterAll(async () => {
  await api.close();
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
  sandbox.faults.clear();
});

const CREATE = 'POST /channels/{channel.id}/webhooks';
const LIST = 'GET /channels/{channel.id}/webhooks';
const statuses = () => sandbox.requests().map((e) => `${e.method} ${e.status}${e.fault ? ` ${e.fault}` : ''}`);

describe('DiscordRestClient under sandbox faults', () => {
  it('a create answered with a truncated body is outcome-unknown (it did happen), not a hard failure', async () => {
    sandbox.faults.replace([{ route: CREATE, fault: 'truncate', schedule: [1] }]);
    const error = await api.createWebhook(GENERAL, { name: 'cut' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordRequestOutcomeUnknown);
    expect((error as Error).message).toMatch(/not valid JSON.*re-read before retrying/);
    expect(sandbox.state.webhooks.all()).toHaveLength(1);
    expect(statuses()).toEqual(['POST 200 truncate']);
  });

  it('a read answered with a truncated body, a reset or a 502 is retried', async () => {
    sandbox.faults.replace([
      { route: LIST, fault: 'truncate', schedule: [1] },
      { route: LIST, fault: 'reset', schedule: [2] },
      { route: LIST, fault: 'status', status: 502, schedule: [3] },
    ]);
    expect(await api.getChannelWebhooks(GENERAL)).toEqual([]);
    expect(statuses()).toEqual(['GET 200 truncate', 'GET 0 reset', 'GET 502 status', 'GET 200']);
  });

  it('a create that was dropped after the write, reset, or answered 503 is never retried by the client itself', async () => {
    for (const fault of [{ fault: 'drop_after_write' }, { fault: 'reset' }, { fault: 'status', status: 503 }] as const) {
      sandbox.faults.replace([{ route: CREATE, schedule: [1], ...fault }]);
      await expect(api.createWebhook(GENERAL, { name: 'once' })).rejects.toBeInstanceOf(DiscordRequestOutcomeUnknown);
    }
    expect(statuses()).toEqual(['POST 200 drop_after_write', 'POST 0 reset', 'POST 503 status']);
    expect(sandbox.state.webhooks.all()).toHaveLength(1);
  });

  it('a DELETE whose answer was lost is retried and ends in 404 10015 (the caller counts it as done)', async () => {
    const hook = await api.createWebhook(GENERAL, { name: 'doomed' });
    sandbox.faults.replace([{ route: 'DELETE /webhooks/{webhook.id}', fault: 'drop_after_write', schedule: [1] }]);
    await expect(api.deleteWebhook(hook.id)).rejects.toMatchObject({ status: 404, discordCode: 10015 });
    expect(statuses().slice(1)).toEqual(['DELETE 204 drop_after_write', 'DELETE 404']);
  });

  it('a slow answer past the per-attempt timeout is retried (GET)', async () => {
    sandbox.faults.replace([{ route: LIST, fault: 'latency', latency_ms: 400, schedule: [1] }]);
    const started = performance.now();
    expect(await api.getChannelWebhooks(GENERAL)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(400);
  });

  it('CORDFORM_HTTP_TIMEOUT_MS sets the deadline; nonsense is refused with a clear error', () => {
    expect(resolveRequestTimeout({})).toBeUndefined();
    expect(resolveRequestTimeout({ CORDFORM_HTTP_TIMEOUT_MS: '2500' })).toBe(2500);
    expect(() => resolveRequestTimeout({ CORDFORM_HTTP_TIMEOUT_MS: '2s' })).toThrow(/CORDFORM_HTTP_TIMEOUT_MS must be a whole number of milliseconds/);
    expect(() => resolveRequestTimeout({ CORDFORM_HTTP_TIMEOUT_MS: '0' })).toThrow(/from 1 to 600000/);
  });
});
