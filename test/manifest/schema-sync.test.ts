import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { loadManifestSchema } from '../../src/manifest/manifest-schema.js';
import { readManifest } from '../../src/manifest/read-manifest.js';
import type {
  ActionDeclaration,
  CommandDeclaration,
  DiscordSettings,
  ExecuteWebhookAction,
  GuildDeclaration,
  HttpPostAction,
  Manifest,
  RuntimeSettings,
  SafetyThresholds,
  SendEmbedAction,
  SendMessageAction,
  SlashDeclaration,
  SlashOption,
  ThirdPartyMessageAction,
  WebhookDeclaration,
} from '../../src/manifest/types.js';

/**
 * The checked mapping between schema/manifest.schema.json and src/manifest/types.ts:
 * for each object in the schema, YAML key → field of the normalized type. `satisfies`
 * makes the compiler check the right-hand side; the tests below check the left-hand side
 * against the schema and that normalization fills every field. Adding a schema property
 * without handling it fails here.
 */
const inhibitor = (field: keyof CommandDeclaration['inhibitors']) => `inhibitors.${field}` as const;
const MAPPING = {
  '#': { version: 'version', discord: 'discord', runtime: 'runtime', guilds: 'guilds' } satisfies Record<string, keyof Manifest>,
  '#/properties/discord': { token: 'token', api_base: 'apiBase', application_id: 'applicationId', public_key: 'publicKey' } satisfies Record<string, keyof DiscordSettings>,
  '#/properties/runtime': { port: 'port', block_private_addresses: 'blockPrivateAddresses', max_queue: 'maxQueue' } satisfies Record<string, keyof RuntimeSettings>,
  '#/$defs/guild': { id: 'id', name: 'name', prune: 'prune', prefix: 'prefix', thresholds: 'thresholds', webhooks: 'webhooks', commands: 'commands' } satisfies Record<string, keyof GuildDeclaration>,
  '#/$defs/guild/properties/thresholds': { min_existing: 'minExisting', update_percent: 'updatePercent', delete_percent: 'deletePercent' } satisfies Record<string, keyof SafetyThresholds>,
  '#/$defs/webhook': { name: 'name', channel: 'channel', avatar: 'avatar', id: 'id', renamed_from: 'renamedFrom', reason: 'reason' } satisfies Record<string, keyof WebhookDeclaration>,
  '#/$defs/command': {
    name: 'name', description: 'description', prefix: 'prefix', slash: 'slash', allow_mentions: 'allowMentions', actions: 'actions',
    permissions: inhibitor('permissions'), roles: inhibitor('roles'), channels: inhibitor('channels'), nsfw: inhibitor('nsfw'),
  } satisfies Record<string, keyof CommandDeclaration | `inhibitors.${keyof CommandDeclaration['inhibitors']}`>,
  '#/$defs/command/properties/slash': { description: 'description', options: 'options' } satisfies Record<string, keyof SlashDeclaration>,
  '#/$defs/slashOption': { type: 'type', name: 'name', description: 'description', required: 'required', choices: 'choices' } satisfies Record<string, keyof SlashOption>,
  '#/$defs/slashOption/properties/choices/items': { name: 'name', value: 'value' } satisfies Record<string, keyof NonNullable<SlashOption['choices']>[number]>,
  '#/$defs/httpPostAction': { type: 'type', url: 'url', timeout_ms: 'timeoutMs', headers: 'headers', signing_secret: 'signingSecret' } satisfies Record<string, keyof HttpPostAction>,
  '#/$defs/sendMessageAction': { type: 'type', channel_id: 'channelId', message: 'message' } satisfies Record<string, keyof SendMessageAction>,
  '#/$defs/sendEmbedAction': { type: 'type', channel_id: 'channelId', embed: 'embed' } satisfies Record<string, keyof SendEmbedAction>,
  '#/$defs/executeWebhookAction': { type: 'type', webhook: 'webhook', content: 'content', username: 'username', embeds: 'embeds' } satisfies Record<string, keyof ExecuteWebhookAction>,
  '#/$defs/thirdPartyMessageAction': { type: 'type', url: 'url', token: 'token', user_id: 'userId', message: 'message', timeout_ms: 'timeoutMs' } satisfies Record<string, keyof ThirdPartyMessageAction>,
} as const;

/** Fields of the typed model that no schema property maps to: derived by the loader (`keepAvatar` from `avatar: keep`, `unresolved` from unset variables, `channelName` from a channel written by name). */
type Derived = 'files' | 'location' | 'key' | 'guildId' | 'inhibitors' | 'keepAvatar' | 'unresolved' | 'channelName';
type Unmapped<T, P extends keyof typeof MAPPING> = Exclude<keyof T, (typeof MAPPING)[P][keyof (typeof MAPPING)[P]] | Derived>;
// Compile-time: every field of every type is mapped from the schema or derived.
const everyFieldMapped: [
  Unmapped<Manifest, '#'>, Unmapped<DiscordSettings, '#/properties/discord'>, Unmapped<RuntimeSettings, '#/properties/runtime'>,
  Unmapped<GuildDeclaration, '#/$defs/guild'>, Unmapped<SafetyThresholds, '#/$defs/guild/properties/thresholds'>,
  Unmapped<WebhookDeclaration, '#/$defs/webhook'>, Unmapped<CommandDeclaration, '#/$defs/command'>,
  Unmapped<SlashDeclaration, '#/$defs/command/properties/slash'>, Unmapped<SlashOption, '#/$defs/slashOption'>,
  Unmapped<HttpPostAction, '#/$defs/httpPostAction'>, Unmapped<SendMessageAction, '#/$defs/sendMessageAction'>,
  Unmapped<SendEmbedAction, '#/$defs/sendEmbedAction'>, Unmapped<ExecuteWebhookAction, '#/$defs/executeWebhookAction'>,
  Unmapped<ThirdPartyMessageAction, '#/$defs/thirdPartyMessageAction'>,
] extends [never, never, never, never, never, never, never, never, never, never, never, never, never, never] ? true : false = true;

/** Schema objects passed through as data (Discord's embed object), not mapped field by field. */
const PASSTHROUGH = /^#\/\$defs\/embed(\/|$)|^#\/\$defs\/httpPostAction\/properties\/headers$/;

type SchemaNode = { type?: unknown; properties?: Record<string, SchemaNode>; additionalProperties?: unknown; title?: string; description?: string; [key: string]: unknown };

function objectSchemas(): Map<string, SchemaNode> {
  const found = new Map<string, SchemaNode>();
  const visit = (node: unknown, pointer: string) => {
    if (node === null || typeof node !== 'object') return;
    const schema = node as SchemaNode;
    // Objects that data must match (not `if` conditions); the discriminated `action` is checked through its branches.
    if (schema.type === 'object' && schema.properties && pointer !== '#/$defs/action') found.set(pointer, schema);
    for (const [key, child] of Object.entries(schema)) {
      if (key === 'enum' || key === 'const' || key === 'required') continue;
      visit(child, `${pointer}/${key}`);
    }
  };
  visit(loadManifestSchema(), '#');
  return found;
}

/** The normalized objects of each mapped kind, from a loaded manifest. */
function instances(manifest: Manifest): Record<keyof typeof MAPPING, object[]> {
  const guilds = manifest.guilds;
  const commands = guilds.flatMap((g) => g.commands);
  const actions = commands.flatMap((c) => c.actions);
  const ofType = <T extends ActionDeclaration['type']>(type: T) => actions.filter((a) => a.type === type);
  const options = commands.flatMap((c) => c.slash?.options ?? []);
  return {
    '#': [manifest],
    '#/properties/discord': [manifest.discord],
    '#/properties/runtime': [manifest.runtime],
    '#/$defs/guild': guilds,
    '#/$defs/guild/properties/thresholds': guilds.map((g) => g.thresholds),
    '#/$defs/webhook': guilds.flatMap((g) => g.webhooks),
    '#/$defs/command': commands,
    '#/$defs/command/properties/slash': commands.flatMap((c) => (c.slash ? [c.slash] : [])),
    '#/$defs/slashOption': options,
    '#/$defs/slashOption/properties/choices/items': options.flatMap((o) => o.choices ?? []),
    '#/$defs/httpPostAction': ofType('HTTP_POST'),
    '#/$defs/sendMessageAction': ofType('SEND_MESSAGE_TO_CHANNEL'),
    '#/$defs/sendEmbedAction': ofType('SEND_EMBED_TO_CHANNEL'),
    '#/$defs/executeWebhookAction': ofType('EXECUTE_WEBHOOK'),
    '#/$defs/thirdPartyMessageAction': ofType('THIRD_PARTY_MESSAGE'),
  };
}

function getPath(value: object, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((current, key) => (current as Record<string, unknown> | undefined)?.[key], value);
}

const everythingFile = 'test/fixtures/manifests/good/everything.yaml';
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('schema/manifest.schema.json ↔ src/manifest/types.ts', () => {
  it('compiles the mapping against the types', () => {
    expect(everyFieldMapped).toBe(true);
  });

  it('every schema object is mapped key for key (or is declared pass-through)', () => {
    for (const [pointer, schema] of objectSchemas()) {
      if (PASSTHROUGH.test(pointer)) continue;
      const mapping = (MAPPING as Record<string, Record<string, string>>)[pointer];
      expect(mapping, `schema object ${pointer} has no entry in MAPPING`).toBeDefined();
      expect(Object.keys(schema.properties ?? {}).sort(), pointer).toEqual(Object.keys(mapping!).sort());
    }
    expect(Object.keys(MAPPING).filter((pointer) => !objectSchemas().has(pointer))).toEqual([]);
  });

  it('everything.yaml uses every schema property, and normalization fills every mapped field', async () => {
    const raw = parse(readFileSync(`${root}/${everythingFile}`, 'utf8')) as unknown;
    const used = new Set<string>();
    const collect = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value !== null && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          used.add(key);
          collect(child);
        }
      }
    };
    collect(raw);
    for (const [pointer, schema] of objectSchemas()) {
      for (const key of Object.keys(schema.properties ?? {})) expect(used.has(key), `${pointer}: ${key} unused in ${everythingFile}`).toBe(true);
    }

    const manifest = await readManifest({ files: [everythingFile], cwd: root, env: { DISCORD_BOT_TOKEN: 'token-x', SIGNING_SECRET: 'whsec_x', IM_TOKEN: 'im-x' } });
    const all = instances(manifest);
    for (const [pointer, mapping] of Object.entries(MAPPING)) {
      const objects = all[pointer as keyof typeof MAPPING];
      expect(objects.length, `${pointer}: no instance in ${everythingFile}`).toBeGreaterThan(0);
      for (const field of Object.values(mapping)) {
        expect(objects.some((object) => getPath(object, field) !== undefined), `${pointer} → ${field} is never set by normalization`).toBe(true);
      }
    }
    expect(manifest.discord.apiBase).toBe('http://127.0.0.1:9999/api/v10');
    expect(manifest.discord.publicKey).toBe('ab00000000000000000000000000000000000000000000000000000000000001');
    expect(manifest.runtime).toEqual({ port: 0, blockPrivateAddresses: true, maxQueue: 50 });
  });

  it('every object forbids unknown keys and every property has a title and description', () => {
    for (const [pointer, schema] of objectSchemas()) {
      if (pointer === '#/$defs/httpPostAction/properties/headers') continue;
      expect(schema.additionalProperties, `${pointer} must set additionalProperties: false`).toBe(false);
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        expect(typeof property.title, `${pointer}/properties/${key} needs a title`).toBe('string');
        expect(typeof property.description, `${pointer}/properties/${key} needs a description`).toBe('string');
      }
    }
    const schema = loadManifestSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(typeof schema.$id).toBe('string');
  });
});
