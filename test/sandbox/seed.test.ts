import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CordformError } from '../../src/errors.js';
import { computeChannelPermissions, Perm } from '../../src/sandbox/store/permissions.js';
import { readRateLimitProfile, DISCORD_RATE_LIMITS } from '../../src/sandbox/http/rate-limit-profile.js';
import { DEFAULT_SEED, parseSeed, startSandbox } from '../../src/sandbox/server.js';
import { Api, BOT, OTHER_BOT } from './helpers.js';

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

function seedError(text: string): CordformError {
  try {
    parseSeed(text, 'seed.yaml');
  } catch (error) {
    if (error instanceof CordformError) return error;
    throw error;
  }
  throw new Error('expected parseSeed to fail');
}

describe('parseSeed', () => {
  it('reads YAML and JSON alike', () => {
    const yaml = parseSeed('bots:\n  - {id: "1", username: b, token: t}\nguilds: []\n', 'a.yaml');
    const json = parseSeed(JSON.stringify({ bots: [{ id: '1', username: 'b', token: 't' }], guilds: [] }), 'a.json');
    expect(yaml).toEqual(json);
  });

  it('the default seed is valid and matches the documented ids', () => {
    expect(parseSeed(JSON.stringify(DEFAULT_SEED), 'default')).toEqual(DEFAULT_SEED);
    expect(DEFAULT_SEED.bots.map((b) => [b.id, b.token])).toEqual([
      [BOT.id, BOT.token],
      [OTHER_BOT.id, OTHER_BOT.token],
    ]);
  });

  it('reports each problem with file:line:col and the path', () => {
    const error = seedError(
      [
        'bots:',
        '  - id: 100000000000000010', // a number, not a string
        '    username: bot',
        '    token: t',
        'guilds:',
        '  - id: "1"',
        '    name: G',
        '    colour: red',
        '    channels:',
        '      - { id: "2", name: c, lacks_manage_webhooks: ["9"] }',
      ].join('\n'),
    );
    expect(error.code).toBe('sandbox_seed_invalid');
    expect(error.message).toContain('seed.yaml:2:9: bots.0.id: must be a snowflake written as a string');
    expect(error.message).toContain('seed.yaml:8:5: guilds.0.colour: unknown key "colour"');
    expect(error.location).toEqual({ file: 'seed.yaml', line: 2, column: 9 });
  });

  it('checks references once the shape is right, also at file:line:col', () => {
    const error = seedError(
      [
        'bots: [{ id: "1", username: bot, token: t }]',
        'guilds:',
        '  - id: "2"',
        '    name: G',
        '    members: ["1", "7"]',
        '    channels:',
        '      - { id: "3", name: c, lacks_manage_webhooks: ["9"], parent_id: "3" }',
      ].join('\n'),
    );
    expect(error.message).toContain('seed.yaml:5:20: guilds.0.members.1: unknown user 7');
    expect(error.message).toContain('seed.yaml:7:53: guilds.0.channels.0.lacks_manage_webhooks.0: unknown bot 9');
    expect(error.message).toContain('guilds.0.channels.0.parent_id: unknown category 3 in this guild');
  });

  it('checks the shape with schema/sandbox-seed.schema.json: unions name the branch that fits', () => {
    const error = seedError('bots: []\nguilds: [{id: "2", name: g, channels: [{id: "3", name: c, type: 11}], members: [3, "12a"]}]');
    expect(error.message).toContain('guilds.0.members.0: must be a user id or a mapping with user_id');
    expect(error.message).toContain('guilds.0.members.1: must be a snowflake written as a string');
    expect(error.message).toContain('guilds.0.channels.0.type: must be a guild channel type');
  });

  it('rejects duplicate ids, shared tokens and YAML syntax errors', () => {
    expect(seedError('bots: [{id: "1", username: a, token: t}, {id: "1", username: b, token: t}]\nguilds: []').message)
      .toMatch(/duplicate id 1[\s\S]*two bots share this token/);
    expect(seedError('bots: [\n').message).toMatch(/^seed\.yaml:\d+:\d+: /);
    expect(seedError('- just a list').message).toContain('seed.yaml:1:1: (top level): must be a mapping with `bots` and `guilds`');
  });

  it('examples/sandbox-seed.yaml parses and its permissions behave as commented', async () => {
    const seed = parseSeed(await readFile(example('sandbox-seed.yaml'), 'utf8'), 'examples/sandbox-seed.yaml');
    const sandbox = await startSandbox({ seed, rateLimits: 'off' });
    const api = new Api(sandbox);
    try {
      expect((await api.get('/channels/100000000000000004/webhooks')).body.code).toBe(50013);
      expect((await api.get('/channels/100000000000000102/webhooks')).status).toBe(200);
      expect((await api.get('/channels/100000000000000103/webhooks')).body.code).toBe(50013);
      const legacy = await api.get('/channels/100000000000000003/webhooks');
      expect(legacy.body).toEqual([expect.objectContaining({ id: '100000000000000500', application_id: OTHER_BOT.id, user: expect.objectContaining({ id: OTHER_BOT.id }) })]);
      const member = await api.get('/guilds/100000000000000101/members/100000000000000010');
      expect(member.body).toMatchObject({ nick: 'cordform', roles: ['100000000000000109'] });
    } finally {
      await sandbox.close();
    }
  });

  it('examples/sandbox-rate-limits.yaml is the built-in discord profile', async () => {
    expect(await readRateLimitProfile(example('sandbox-rate-limits.yaml'))).toEqual(DISCORD_RATE_LIMITS);
  });
});

describe('permission computation', () => {
  const base = {
    guildId: 'g',
    ownerId: 'owner',
    rolePermissions: new Map([
      ['g', Perm.VIEW_CHANNEL | Perm.MANAGE_WEBHOOKS],
      ['admin', Perm.ADMINISTRATOR],
      ['muted', 0n],
    ]),
    memberId: 'bot',
    memberRoles: [] as string[],
  };
  const deny = (id: string, type: 0 | 1, bits: bigint) => ({ id, type, allow: '0', deny: bits.toString() });

  it('applies @everyone, role and member overwrites in Discord\'s order', () => {
    expect(computeChannelPermissions({ ...base, overwrites: [deny('g', 0, Perm.MANAGE_WEBHOOKS)] }) & Perm.MANAGE_WEBHOOKS).toBe(0n);
    const roleAllow = { id: 'muted', type: 0 as const, allow: Perm.MANAGE_WEBHOOKS.toString(), deny: '0' };
    expect(
      computeChannelPermissions({ ...base, memberRoles: ['muted'], overwrites: [deny('g', 0, Perm.MANAGE_WEBHOOKS), roleAllow] }) &
        Perm.MANAGE_WEBHOOKS,
    ).toBe(Perm.MANAGE_WEBHOOKS);
    expect(
      computeChannelPermissions({ ...base, memberRoles: ['muted'], overwrites: [roleAllow, deny('bot', 1, Perm.MANAGE_WEBHOOKS)] }) &
        Perm.MANAGE_WEBHOOKS,
    ).toBe(0n);
  });

  it('administrators and the owner ignore overwrites', () => {
    const overwrites = [deny('bot', 1, Perm.MANAGE_WEBHOOKS)];
    expect(computeChannelPermissions({ ...base, memberRoles: ['admin'], overwrites }) & Perm.MANAGE_WEBHOOKS).toBe(Perm.MANAGE_WEBHOOKS);
    expect(computeChannelPermissions({ ...base, memberId: 'owner', overwrites }) & Perm.MANAGE_WEBHOOKS).toBe(Perm.MANAGE_WEBHOOKS);
  });
});
