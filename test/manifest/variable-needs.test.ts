import { describe, expect, it } from 'vitest';
import { loadManifestSchema } from '../../src/manifest/manifest-schema.js';
import { loadManifest, readManifest, VARIABLE_NEEDS } from '../../src/manifest/read-manifest.js';
import { registerManifestSecrets } from '../../src/manifest/manifest-secrets.js';
import { classifyField } from '../../src/manifest/variable-classes.js';
import { manifestFingerprint } from '../../src/plan/fingerprint.js';
import { Redactor } from '../../src/redact.js';
import { createMemoryIo } from '../../src/cli/io.js';
import { startRuntime } from '../../src/runtime/runtime.js';
import { FakeDiscordApi, FakeGateway } from '../runtime/fixtures.js';
import { writeTree } from './helpers.js';

/** Every kind of secret-bearing field, each from its own variable (line numbers in comments). */
const MANIFEST = `version: 1
discord:
  token: \${DISCORD_BOT_TOKEN}
  public_key: \${PUBLIC_KEY}
guilds:
  - id: "100000000000000001"
    webhooks:
      - name: Deploys
        channel: "100000000000000002"
    commands:
      - name: ticket
        actions:
          - type: THIRD_PARTY_MESSAGE
            url: https://im.example.com/hook
            token: \${IM_TOKEN}
            user_id: "{{author.id}}"
            message: "{{args}}"
          - type: HTTP_POST
            url: https://bots.example.com/ping
            signing_secret: \${SIGNING_SECRET}
            headers:
              Authorization: "Bearer \${API_USER}:\${API_PASSWORD}"
`;
const ALL = {
  DISCORD_BOT_TOKEN: 'bot-token-0123456789',
  PUBLIC_KEY: 'AB'.repeat(32),
  IM_TOKEN: 'im-token-0123456789',
  SIGNING_SECRET: 'whsec_0123456789',
  API_USER: 'api-user-SECRET-PART',
  API_PASSWORD: 'api-password-0123456789',
};
const RUNTIME_ONLY = ['PUBLIC_KEY', 'IM_TOKEN', 'SIGNING_SECRET', 'API_USER', 'API_PASSWORD'];

const load = (env: Record<string, string>, needs?: Parameters<typeof loadManifest>[0]['needs']) =>
  loadManifest({ files: ['cordform.yaml'], cwd: writeTree({ 'cordform.yaml': MANIFEST }), env, ...(needs ? { needs } : {}) });

describe('which commands need which variables', () => {
  it('offline (validate): nothing needs to be set; each unset variable is a note at its own position', async () => {
    const result = await load({}, VARIABLE_NEEDS.offline);
    expect(result.errors).toEqual([]);
    expect(result.manifest).toBeDefined();
    expect(result.info.map((item) => [item.code, item.location?.line, item.location?.column, item.message])).toEqual([
      ['env_unset', 3, 10, 'environment variable DISCORD_BOT_TOKEN is not set (referenced as ${DISCORD_BOT_TOKEN}); `plan`, `apply`, `check` and `run` need it (the bot token)'],
      ['env_unset', 4, 15, 'environment variable PUBLIC_KEY is not set (referenced as ${PUBLIC_KEY}); only `cordform run` needs it'],
      ['env_unset', 15, 20, 'environment variable IM_TOKEN is not set (referenced as ${IM_TOKEN}); only `cordform run` needs it'],
      ['env_unset', 20, 29, 'environment variable SIGNING_SECRET is not set (referenced as ${SIGNING_SECRET}); only `cordform run` needs it'],
      ['env_unset', 22, 38, 'environment variable API_USER is not set (referenced as ${API_USER}); only `cordform run` needs it'],
      ['env_unset', 22, 50, 'environment variable API_PASSWORD is not set (referenced as ${API_PASSWORD}); only `cordform run` needs it'],
    ]);
  });

  it('offline still refuses a malformed reference', async () => {
    const dir = writeTree({ 'cordform.yaml': 'version: 1\ndiscord:\n  token: ${1BAD}\n' });
    const result = await loadManifest({ files: [], cwd: dir, env: {}, needs: VARIABLE_NEEDS.offline });
    expect(result.errors.map((item) => [item.code, item.location?.line, item.location?.column])).toEqual([['interpolation_invalid', 3, 10]]);
  });

  it('discord (plan, apply, check): the bot token is needed, runtime secrets are not', async () => {
    const withToken = await load({ DISCORD_BOT_TOKEN: ALL.DISCORD_BOT_TOKEN }, VARIABLE_NEEDS.discord);
    expect(withToken.errors).toEqual([]);
    expect(withToken.manifest?.unresolved?.map((reference) => [reference.variable, reference.class])).toEqual(
      RUNTIME_ONLY.map((name) => [name, 'runtime_secret']),
    );

    const without = await load({ IM_TOKEN: ALL.IM_TOKEN }, VARIABLE_NEEDS.discord);
    expect(without.errors.map((item) => [item.code, item.location, item.message])).toEqual([
      ['env_missing', { file: 'cordform.yaml', line: 3, column: 10 }, 'environment variable DISCORD_BOT_TOKEN is not set (referenced as ${DISCORD_BOT_TOKEN})'],
    ]);
  });

  it('runtime (run, and the default): every variable is needed, each an error at its file:line:col', async () => {
    const result = await load({ DISCORD_BOT_TOKEN: ALL.DISCORD_BOT_TOKEN });
    expect(result.manifest).toBeUndefined();
    expect(result.errors.map((item) => `${item.code} ${item.location?.line}:${item.location?.column}`)).toEqual([
      'env_missing 4:15',
      'env_missing 15:20',
      'env_missing 20:29',
      'env_missing 22:38',
      'env_missing 22:50',
    ]);
  });

  it('an unneeded field with any unset variable keeps its whole text: no half-interpolated secret anywhere', async () => {
    const result = await load({ DISCORD_BOT_TOKEN: ALL.DISCORD_BOT_TOKEN, API_USER: ALL.API_USER }, VARIABLE_NEEDS.discord);
    const action = result.manifest!.guilds[0]!.commands[0]!.actions[1]!;
    expect(action.type === 'HTTP_POST' && action.headers.Authorization).toBe('Bearer ${API_USER}:${API_PASSWORD}');
    expect(JSON.stringify(result)).not.toContain('SECRET-PART');
  });

  it('unresolved fields are not registered as secrets, so messages can still name the variable', async () => {
    const result = await load({ DISCORD_BOT_TOKEN: ALL.DISCORD_BOT_TOKEN }, VARIABLE_NEEDS.discord);
    const redactor = new Redactor();
    registerManifestSecrets(result.manifest!, redactor);
    expect(redactor.redact('set ${IM_TOKEN} and ${SIGNING_SECRET}; token bot-token-0123456789')).toBe('set ${IM_TOKEN} and ${SIGNING_SECRET}; token ***');
  });

  it('the runtime refuses a manifest loaded without its secrets (the programmatic API too)', async () => {
    const result = await load({ DISCORD_BOT_TOKEN: ALL.DISCORD_BOT_TOKEN }, VARIABLE_NEEDS.discord);
    const api = new FakeDiscordApi();
    const started = startRuntime({ manifest: result.manifest!, api, createGateway: new FakeGateway().factory, port: 0, io: createMemoryIo({ cwd: process.cwd() }) });
    await expect(started).rejects.toMatchObject({ code: 'env_missing', message: expect.stringContaining('IM_TOKEN (cordform.yaml:15:20)') });
  });

  it('the manifest fingerprint does not depend on which secrets were set', async () => {
    const everything = await readManifest({ files: ['cordform.yaml'], cwd: writeTree({ 'cordform.yaml': MANIFEST }), env: ALL });
    const tokenOnly = await load({ DISCORD_BOT_TOKEN: 'another-bot-token-000' }, VARIABLE_NEEDS.discord);
    expect(manifestFingerprint(tokenOnly.manifest!)).toBe(manifestFingerprint(everything));
  });
});

describe('classifyField', () => {
  /** Every schema property that holds a secret or a runtime-only credential, as a pointer into a manifest. */
  const secretPointers = (): string[][] => {
    const defs = loadManifestSchema().$defs as Record<string, { properties?: Record<string, { description?: string }> }>;
    const where: Record<string, string[]> = { httpPostAction: ['guilds', '0', 'commands', '0', 'actions', '0'], thirdPartyMessageAction: ['guilds', '0', 'commands', '0', 'actions', '0'] };
    const found: string[][] = [];
    for (const [name, def] of Object.entries(defs)) {
      for (const [key, property] of Object.entries(def.properties ?? {})) {
        if (!/A secret|values may use \$\{VAR\}/.test(property.description ?? '')) continue;
        expect(where[name], `a secret field in $defs/${name} (${key}) that the test does not know`).toBeDefined();
        found.push([...where[name]!, key, ...(key === 'headers' ? ['Authorization'] : [])]);
      }
    }
    return found;
  };

  it('every secret field of the schema is the bot token or a runtime secret; the rest are declarations', () => {
    const pointers = secretPointers();
    expect(pointers.map((segments) => segments.slice(6).join('/')).sort()).toEqual(['headers/Authorization', 'signing_secret', 'token']);
    for (const segments of pointers) expect(classifyField(segments)).toBe('runtime_secret');
    expect(classifyField(['discord', 'token'])).toBe('bot_token');
    expect(classifyField(['discord', 'public_key'])).toBe('runtime_secret');
    for (const declaration of [['discord', 'api_base'], ['guilds', '0', 'webhooks', '0', 'channel'], ['guilds', '0', 'commands', '0', 'actions', '0', 'url'], ['guilds', '0', 'commands', '0', 'actions', '0', 'message', 'token']]) {
      expect(classifyField(declaration)).toBe('declaration');
    }
    // An anchored value can be aliased anywhere: needed wherever the manifest is.
    expect(classifyField(['guilds', '0', 'commands', '0', 'actions', '0', 'token'], true)).toBe('declaration');
  });
});
