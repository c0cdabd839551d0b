import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERAL, GUILD, manifestYaml, startHarness, type Harness } from '../support/cli-harness.js';

/**
 * How `cordform plan` reads Discord: the bot user and every guild's webhooks in one round
 * trip. The sandbox logs a request when it is answered, so with `GET /users/@me` held back by
 * an injected delay, the webhook list being answered first proves it was not waiting for it.
 */
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ faults: [{ route: 'GET /users/@me', fault: 'latency', latency_ms: 400, probability: 1 }] });
});
afterAll(async () => {
  await h?.close();
});

describe('plan reads', () => {
  it('asks for the bot user and the guild webhooks at once, not one after the other', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    await h.clearRequests();
    const run = await h.cli(['plan', '-f', file]);
    expect(run.code, run.stderr).toBe(0);
    const answered = h.requests().map((r) => `${r.method} ${r.path}`);
    const webhooks = answered.indexOf(`GET /api/v10/guilds/${GUILD}/webhooks`);
    const me = answered.indexOf('GET /api/v10/users/@me');
    expect(webhooks, answered.join('\n')).toBeGreaterThanOrEqual(0);
    expect(me, answered.join('\n')).toBeGreaterThan(webhooks);
  });

  it('a refused token is reported from GET /users/@me, with the hint, even though other reads were in flight', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    const run = await h.cli(['plan', '-f', file], { env: { DISCORD_BOT_TOKEN: 'not-the-token' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Discord API 401 on GET /users/@me');
    expect(run.stderr).toContain('hint: Discord refused the bot token');
  });
});
