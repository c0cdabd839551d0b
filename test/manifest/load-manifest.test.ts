import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadManifest, ManifestError, readManifest } from '../../src/manifest/read-manifest.js';
import { MAX_MANIFEST_BYTES } from '../../src/manifest/source-files.js';
import { ENV, HEADER, writeTree } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('loadManifest: good manifests', () => {
  it('loads examples/basic.yaml into the exact typed shape', async () => {
    const result = await loadManifest({ files: ['examples/basic.yaml'], cwd: root, env: { DISCORD_BOT_TOKEN: 'test-token' } });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const manifest = JSON.parse(JSON.stringify(result.manifest).split(root).join('<root>/'));
    expect(manifest).toMatchInlineSnapshot(`
      {
        "discord": {
          "token": "test-token",
        },
        "files": [
          "<root>/examples/basic.yaml",
        ],
        "guilds": [
          {
            "commands": [
              {
                "actions": [
                  {
                    "headers": {},
                    "location": {
                      "column": 13,
                      "file": "examples/basic.yaml",
                      "line": 23,
                    },
                    "timeoutMs": 5000,
                    "type": "HTTP_POST",
                    "url": "http://127.0.0.1:8787/hooks/ping",
                  },
                ],
                "allowMentions": false,
                "description": "Answers with Pong!",
                "inhibitors": {
                  "channels": [],
                  "nsfw": false,
                  "permissions": [],
                  "roles": [],
                },
                "location": {
                  "column": 9,
                  "file": "examples/basic.yaml",
                  "line": 20,
                },
                "name": "ping",
                "prefix": true,
              },
            ],
            "id": "100000000000000001",
            "location": {
              "column": 5,
              "file": "examples/basic.yaml",
              "line": 10,
            },
            "name": "Example guild",
            "prefix": "!",
            "prune": true,
            "thresholds": {
              "deletePercent": 0.3,
              "minExisting": 10,
              "updatePercent": 0.3,
            },
            "webhooks": [
              {
                "avatar": {
                  "dataUri": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGOISP30HwAFdwKvhpvLXgAAAABJRU5ErkJggg==",
                  "md5": "2ec88ac6e2d1fb1c14dfe558bb6f03c1",
                  "path": "./avatars/deploys.png",
                },
                "channel": "100000000000000002",
                "guildId": "100000000000000001",
                "key": "100000000000000001/100000000000000002/Deploys",
                "location": {
                  "column": 9,
                  "file": "examples/basic.yaml",
                  "line": 13,
                },
                "name": "Deploys",
                "reason": "Deploy notifications from CI",
              },
              {
                "channel": "100000000000000003",
                "guildId": "100000000000000001",
                "key": "100000000000000001/100000000000000003/Alerts",
                "location": {
                  "column": 9,
                  "file": "examples/basic.yaml",
                  "line": 17,
                },
                "name": "Alerts",
              },
            ],
          },
        ],
        "runtime": {
          "blockPrivateAddresses": false,
        },
        "version": 1,
      }
    `);
  });

  it('loads examples/multi-guild.yaml with every action type normalized', async () => {
    const env = { ...ENV, DEPLOY_SIGNING_SECRET: 'whsec_test', IM_TOKEN: 'im-token-test' };
    const manifest = await readManifest({ files: ['examples/multi-guild.yaml'], cwd: root, env });
    expect(manifest.runtime).toEqual({ port: 8080, blockPrivateAddresses: false });
    const [production, staging] = manifest.guilds;
    expect(production?.prefix).toBe('>');
    expect(production?.thresholds).toEqual({ minExisting: 10, updatePercent: 0.3, deletePercent: 0.2 });
    expect(production?.webhooks[1]?.renamedFrom).toBe('Pager');
    expect(staging?.prune).toBe(false);
    const deploy = production?.commands.find((command) => command.name === 'deploy');
    expect(deploy?.slash?.options[0]).toEqual({
      type: 'string',
      name: 'service',
      description: 'Which service',
      required: true,
      choices: [
        { name: 'API', value: 'api' },
        { name: 'Web', value: 'web' },
      ],
    });
    expect(deploy?.inhibitors.permissions).toEqual(['MANAGE_GUILD']);
    expect(deploy?.actions.map((action) => action.type)).toEqual(['HTTP_POST', 'EXECUTE_WEBHOOK']);
    expect(deploy?.actions[0]).toMatchObject({ timeoutMs: 10000, signingSecret: 'whsec_test' });
    const ping = production?.commands.find((command) => command.name === 'ping');
    expect(ping?.actions[0]).toMatchObject({ type: 'SEND_MESSAGE_TO_CHANNEL', channelId: '{{channel_id}}', message: 'Pong, <@{{author.id}}>!' });
    expect(staging?.commands[0]?.actions[0]).toMatchObject({ type: 'THIRD_PARTY_MESSAGE', token: 'im-token-test', userId: '{{author.id}}', timeoutMs: 5000 });
  });
});

describe('interpolation', () => {
  it('replaces ${VAR}, keeps $${ as a literal ${ and leaves {{templates}} alone', async () => {
    const dir = writeTree({
      'cordform.yaml': `${HEADER}guilds:\n  - id: "\${GUILD_ID}"\n    name: "cost: $\${PRICE} for {{author.username}}"\n`,
    });
    const manifest = await readManifest({ files: [], cwd: dir, env: { ...ENV, GUILD_ID: '100000000000000001' } });
    expect(manifest.discord.token).toBe(ENV.DISCORD_BOT_TOKEN);
    expect(manifest.guilds[0]?.id).toBe('100000000000000001');
    expect(manifest.guilds[0]?.name).toBe('cost: ${PRICE} for {{author.username}}');
  });

  it('reports every missing variable at its own position, inside block scalars too', async () => {
    const dir = writeTree({
      'cordform.yaml': `${HEADER}guilds:\n  - id: "100000000000000001"\n    name: |\n      first \${ONE}\n      then \${TWO}\n`,
    });
    const result = await loadManifest({ files: ['cordform.yaml'], cwd: dir, env: {} });
    expect(result.errors.map((error) => [error.code, error.location?.line, error.location?.column, error.message])).toEqual([
      ['env_missing', 3, 10, 'environment variable DISCORD_BOT_TOKEN is not set (referenced as ${DISCORD_BOT_TOKEN})'],
      ['env_missing', 7, 13, 'environment variable ONE is not set (referenced as ${ONE})'],
      ['env_missing', 8, 12, 'environment variable TWO is not set (referenced as ${TWO})'],
    ]);
  });

  it('never echoes an interpolated value in a message (it may be a secret)', async () => {
    const dir = writeTree({
      'cordform.yaml': `${HEADER}guilds:\n  - id: "100000000000000001"\n    commands:\n      - name: hook\n        actions:\n          - type: HTTP_POST\n            url: \${HOOK_URL}\n`,
    });
    const result = await loadManifest({ files: [], cwd: dir, env: { ...ENV, HOOK_URL: 'ftp://user:hunter2-secret@example.com' } });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.message).toContain('the value of ${HOOK_URL}');
    expect(JSON.stringify(result)).not.toContain('hunter2-secret');
  });
});

describe('multiple manifests', () => {
  const shared = `${HEADER}runtime:\n  port: 8080\n`;
  const guild = (id: string, channel: string, name = 'Deploys') =>
    `version: 1\nguilds:\n  - id: "${id}"\n    webhooks:\n      - name: ${name}\n        channel: "${channel}"\n`;

  it('merges settings and guilds from several files and a directory (sorted)', async () => {
    const dir = writeTree({
      'base.yaml': shared,
      'guilds/b.yaml': guild('100000000000000002', '200000000000000002'),
      'guilds/a.yml': guild('100000000000000001', '200000000000000001'),
      'guilds/notes.txt': 'ignored',
    });
    const manifest = await readManifest({ files: ['base.yaml', 'guilds'], cwd: dir, env: ENV });
    expect(manifest.files.map((file) => file.slice(dir.length + 1))).toEqual(['base.yaml', 'guilds/a.yml', 'guilds/b.yaml']);
    expect(manifest.guilds.map((g) => g.id)).toEqual(['100000000000000001', '100000000000000002']);
    expect(manifest.runtime.port).toBe(8080);
    expect(manifest.guilds[0]?.location.file).toBe('guilds/a.yml');
  });

  it('the same webhook declared in two files names both places', async () => {
    const dir = writeTree({
      'a.yaml': `${shared}guilds:\n  - id: "100000000000000001"\n    webhooks:\n      - name: Deploys\n        channel: "200000000000000001"\n`,
      'b.yaml': guild('100000000000000009', '200000000000000001'),
    });
    const result = await loadManifest({ files: ['a.yaml', 'b.yaml'], cwd: dir, env: ENV });
    const duplicate = result.errors.find((error) => error.code === 'webhook_duplicate');
    expect(duplicate?.location).toEqual({ file: 'b.yaml', line: 5, column: 15 });
    expect(duplicate?.message).toContain('first at a.yaml:9:15');
    expect(result.errors.map((error) => error.code)).toContain('channel_in_two_guilds');
  });

  it('the same guild in two files is an error naming both places', async () => {
    const dir = writeTree({ 'a.yaml': shared + guild('100000000000000001', '200000000000000001').replace('version: 1\n', ''), 'b.yaml': guild('100000000000000001', '200000000000000002') });
    const result = await loadManifest({ files: ['a.yaml', 'b.yaml'], cwd: dir, env: ENV });
    expect(result.errors.map((error) => [error.code, error.location?.file, error.message])).toEqual([
      ['guild_duplicate', 'b.yaml', 'guild 100000000000000001 is already declared at a.yaml:7:5; declare each guild once (one file owns a guild)'],
    ]);
  });

  it('a setting with different values in two files is a conflict', async () => {
    const dir = writeTree({ 'a.yaml': shared, 'b.yaml': 'version: 1\nruntime:\n  port: 9090\n' });
    const result = await loadManifest({ files: ['a.yaml', 'b.yaml'], cwd: dir, env: ENV });
    expect(result.errors).toEqual([
      expect.objectContaining({ code: 'setting_conflict', location: { file: 'b.yaml', line: 3, column: 9 }, message: expect.stringContaining('a.yaml:5:9') }),
    ]);
  });
});

describe('files and limits', () => {
  it('a missing file or empty directory is an error, not an exception', async () => {
    const dir = writeTree({ 'empty/.keep': '' });
    const result = await loadManifest({ files: ['nope.yaml', 'empty'], cwd: dir, env: ENV });
    expect(result.errors.map((error) => error.code)).toEqual(['manifest_not_found', 'manifest_not_found']);
    await expect(readManifest({ files: [], cwd: dir, env: ENV })).rejects.toThrow(/manifest file not found: .*cordform\.yaml/);
  });

  it('refuses files over 16 MiB without parsing them', async () => {
    const dir = writeTree({ 'big.yaml': `${HEADER}# ${'x'.repeat(MAX_MANIFEST_BYTES)}\n` });
    const result = await loadManifest({ files: ['big.yaml'], cwd: dir, env: ENV });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'manifest_too_large', location: { file: 'big.yaml', line: 1, column: 1 } })]);
  });

  it('refuses a megabyte of nested brackets quickly', async () => {
    const dir = writeTree({ 'deep.yaml': `${HEADER}x: ${'['.repeat(1024 * 1000)}` });
    const started = Date.now();
    const result = await loadManifest({ files: ['deep.yaml'], cwd: dir, env: ENV });
    expect(result.errors.map((error) => error.code)).toEqual(['yaml_too_deep']);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('readManifest throws a ManifestError carrying every issue, its message listing them', async () => {
    const dir = writeTree({ 'cordform.yaml': `version: 3\ndiscord: {token: x}\nguilds: [{id: 1}]\n` });
    const error = await readManifest({ files: [], cwd: dir, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    const manifestError = error as ManifestError;
    expect(manifestError.code).toBe('manifest_invalid');
    expect(manifestError.issues.map((item) => item.code)).toEqual(['version_unsupported', 'snowflake_unquoted']);
    expect(manifestError.message).toContain('cordform.yaml:1:10: unsupported manifest version 3');
    expect(manifestError.message).toContain('cordform.yaml:3:15:');
  });
});

describe('warnings', () => {
  it('truncates a long audit-log reason and warns about literal secrets', async () => {
    const dir = writeTree({
      'cordform.yaml': `version: 1\ndiscord:\n  token: literal-token-in-file\nguilds:\n  - id: "100000000000000001"\n    webhooks:\n      - name: A\n        channel: "100000000000000002"\n        reason: ${'r'.repeat(600)}\n`,
    });
    const result = await loadManifest({ files: [], cwd: dir, env: {} });
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => [w.code, w.location?.line])).toEqual([
      ['secret_literal', 3],
      ['reason_truncated', 9],
    ]);
    expect(result.manifest?.guilds[0]?.webhooks[0]?.reason).toHaveLength(512);
  });
});
