import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERMISSION_BITS as P } from '../../src/discord/permissions.js';
import { DEFAULT_SEED, startSandbox, type Sandbox, type SandboxSeed } from '../../src/sandbox/server.js';
import { DEFAULT_USER_ID } from '../../src/sandbox/server.js';
import {
  BOT_ID as BOT,
  DEPLOYS,
  GENERAL,
  GUILD,
  OTHER_BOT_ID as OTHER_BOT,
  cliWorkspace,
  manifestYaml,
  writes,
  type CliWorkspace,
} from '../support/cli-harness.js';

/**
 * Permission preflight: the plan computes the bot's MANAGE_WEBHOOKS and
 * VIEW_CHANNEL per channel with Discord's algorithm and blocks, with the manifest line,
 * where a write would get 403 50013 — and the sandbox, which answers with the same
 * computation, agrees.
 */
const USER = DEFAULT_USER_ID;
const BOTS_ROLE = '100000000000000040';

function seed(options: { everyone: bigint; webhooks?: SandboxSeed['webhooks'] }): SandboxSeed {
  const base = structuredClone(DEFAULT_SEED) as SandboxSeed;
  return {
    ...base,
    guilds: [
      {
        id: GUILD,
        name: 'Sandbox',
        owner_id: USER,
        roles: [
          { id: GUILD, name: '@everyone', permissions: String(options.everyone), position: 0 },
          { id: BOTS_ROLE, name: 'bots', permissions: '0', position: 1 },
        ],
        members: [USER, { user_id: BOT, roles: [BOTS_ROLE] }, OTHER_BOT],
        channels: [
          { id: GENERAL, name: 'general' },
          // A role overwrite takes MANAGE_WEBHOOKS from the bot's role in #deploys only.
          { id: DEPLOYS, name: 'deploys', permission_overwrites: [{ id: BOTS_ROLE, type: 0, allow: '0', deny: String(P.MANAGE_WEBHOOKS) }] },
        ],
      },
    ],
    webhooks: options.webhooks ?? [],
  };
}

const MANIFEST = manifestYaml([
  { name: 'General', channel: GENERAL },
  { name: 'Deploys', channel: DEPLOYS },
]);
const DEPLOYS_LINE = 9;

describe('permission preflight against the sandbox', () => {
  let sandbox: Sandbox;
  let cli: CliWorkspace;

  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimits: 'off', seed: seed({ everyone: P.VIEW_CHANNEL | P.SEND_MESSAGES | P.MANAGE_WEBHOOKS }) });
    cli = await cliWorkspace(sandbox);
    await cli.write('cordform.yaml', MANIFEST);
  });
  afterAll(async () => {
    await cli.cleanup();
    await sandbox.close();
  });
  beforeEach(() => sandbox.reset());

  it('plan blocks the channel where a role overwrite denies MANAGE_WEBHOOKS, naming it and the manifest line', async () => {
    const text = await cli.run(['plan']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`"Deploys": the bot lacks MANAGE_WEBHOOKS in #deploys (channel ${DEPLOYS}), needed to create the webhook`);
    expect(text.stdout).toContain(`cordform.yaml:${DEPLOYS_LINE}:`);
    expect(text.stdout).not.toMatch(/"General": the bot lacks/);

    const json = await cli.run(['plan', '--format', 'json']);
    const plan = JSON.parse(json.stdout) as { blockers: { code: string; key: string; location: { line: number } }[] };
    expect(plan.blockers).toEqual([
      expect.objectContaining({ code: 'missing_permissions', key: `${GUILD}/${DEPLOYS}/Deploys`, location: expect.objectContaining({ line: DEPLOYS_LINE }) }),
    ]);
  });

  it('apply refuses before any write; the request log shows reads only', async () => {
    const result = await cli.run(['apply', '--auto-approve']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('blocker');
    expect(writes(sandbox)).toEqual([]);
    expect(sandbox.requests().length).toBeGreaterThan(0);
  });

  it("the sandbox's 403 50013 answers agree with the preflight, channel by channel", async () => {
    const create = (channel: string) =>
      fetch(`${sandbox.apiBase}/channels/${channel}/webhooks`, {
        method: 'POST',
        headers: { Authorization: 'Bot sandbox-bot-token', 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Probe' }),
      });
    const denied = await create(DEPLOYS);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { code: number }).code).toBe(50013);
    expect((await create(GENERAL)).status).toBe(200);
  });

  it('reads the permission facts only for guilds whose first plan has changes', async () => {
    await cli.run(['plan']);
    const routes = sandbox.requests().map((r) => r.route);
    expect(routes).toEqual(
      expect.arrayContaining(['GET /users/@me', 'GET /guilds/:guild_id/webhooks', 'GET /guilds/:guild_id', 'GET /guilds/:guild_id/members/:user_id', 'GET /guilds/:guild_id/channels']),
    );
    expect(routes.filter((r) => r === 'GET /guilds/:guild_id/channels')).toHaveLength(1);
  });
});

describe('a converged plan stays at guilds + 1 requests', () => {
  it('reads no permission facts when nothing changes', async () => {
    const webhooks = [
      { id: '100000000000000501', channel_id: GENERAL, name: 'General', creator_id: BOT },
      { id: '100000000000000502', channel_id: DEPLOYS, name: 'Deploys', creator_id: BOT },
    ];
    const sandbox = await startSandbox({ rateLimits: 'off', seed: seed({ everyone: P.VIEW_CHANNEL | P.MANAGE_WEBHOOKS, webhooks }) });
    const cli = await cliWorkspace(sandbox);
    try {
      await cli.write('cordform.yaml', MANIFEST);
      const result = await cli.run(['plan', '--detailed-exitcode']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(sandbox.requests().map((r) => r.route)).toEqual(['GET /users/@me', 'GET /guilds/:guild_id/webhooks']);
    } finally {
      await cli.cleanup();
      await sandbox.close();
    }
  });
});

describe('no MANAGE_WEBHOOKS at guild level', () => {
  it('is a plan error naming the guild and its manifest line, not a stack trace', async () => {
    const sandbox = await startSandbox({ rateLimits: 'off', seed: seed({ everyone: P.VIEW_CHANNEL | P.SEND_MESSAGES }) });
    const cli = await cliWorkspace(sandbox);
    try {
      await cli.write('cordform.yaml', MANIFEST);
      const result = await cli.run(['plan']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`cordform.yaml:5:`);
      expect(result.stderr).toContain(`cannot read the webhooks of guild ${GUILD}: the bot lacks MANAGE_WEBHOOKS in that guild`);
      expect(result.stderr).toContain('[guild_missing_permissions]');
      expect(result.stderr).not.toContain('internal error');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await cli.cleanup();
      await sandbox.close();
    }
  });
});
