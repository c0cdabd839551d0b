import type { ErrorObject } from 'ajv/dist/2020.js';
import { isScalar, type Node } from 'yaml';
import { didYouMean } from './did-you-mean.js';
import { issue, type ManifestIssue } from './issues.js';
import { loadManifestSchema } from './manifest-schema.js';
import { pointerToDotted, type SourceMap } from './source-map.js';

export interface DescribeContext {
  map: SourceMap;
  /** Scalars filled from the environment: shown as written (`${VAR}`), never by value. */
  interpolated: ReadonlyMap<unknown, string>;
}

/**
 * Turns ajv's errors into issues a person can act on: at the YAML node (the key for unknown
 * keys), saying what was found and what was expected, with "did you mean" for typos.
 * Noise is dropped first: `if` wrappers, the branch errors under an `anyOf` that gets one
 * message of its own, and a second complaint about the same value.
 */
export function describeSchemaErrors(errors: ErrorObject[], context: DescribeContext): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const seen = new Set<string>();
  for (const error of byPrecedence(dropNoise(errors))) {
    const described = describeOne(error, context);
    if (!described) continue;
    // One complaint per value: `name: 12` is not a string, whatever else its rules say.
    const dedupeKey = `${error.instancePath}|${subject(error)}`;
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);
    issues.push(described);
  }
  return issues;
}

function subject(error: ErrorObject): string {
  if (error.keyword === 'required') return `required:${String(error.params.missingProperty)}`;
  if (error.keyword === 'additionalProperties') return `key:${String(error.params.additionalProperty)}`;
  return 'value';
}

/**
 * When several rules reject one value, the one that says the most comes first: a wrong type
 * makes every other rule moot, and "an absolute URL" (format) says less than "an http:// or
 * https:// URL" (pattern). Stable otherwise, so ajv's order decides the rest.
 */
function byPrecedence(errors: ErrorObject[]): ErrorObject[] {
  const rank = (error: ErrorObject) => (error.keyword === 'type' ? 0 : error.keyword === 'format' ? 2 : 1);
  return [...errors].sort((a, b) => rank(a) - rank(b));
}

function dropNoise(errors: ErrorObject[]): ErrorObject[] {
  const anyOfs = anyOfsByInstance(errors);
  return errors.filter((error) => {
    if (error.keyword === 'if') return false;
    // An action's `type` is judged by the discriminator, which names the allowed types once.
    if (nameOfSchema(error.parentSchema) === '#/$defs/action/properties/type') return false;
    // An `anyOf` is reported once, by its own message; its branches' failures are noise —
    // whether written inline or as `$ref`s to shared definitions.
    return !(anyOfs.get(error.instancePath) ?? []).some(
      ({ parent, branches }) => parent !== error && branches.some((branch) => error.schemaPath.startsWith(branch)),
    );
  });
}

/**
 * The `anyOf` errors by the value they judge, each with the schema path prefixes its branch
 * errors start with: computed once, so many errors do not cost errors × anyOfs work.
 */
function anyOfsByInstance(errors: ErrorObject[]): Map<string, { parent: ErrorObject; branches: string[] }[]> {
  const byInstance = new Map<string, { parent: ErrorObject; branches: string[] }[]>();
  for (const parent of errors) {
    if (parent.keyword !== 'anyOf') continue;
    const branches = [parent.schemaPath, ...branchRefs(parent)].map((path) => `${path}/`);
    const list = byInstance.get(parent.instancePath);
    if (list === undefined) byInstance.set(parent.instancePath, [{ parent, branches }]);
    else list.push({ parent, branches });
  }
  return byInstance;
}

/** The `$ref`s an `anyOf` lists as its branches (`#/$defs/snowflake`, …). */
function branchRefs(anyOf: ErrorObject): string[] {
  const branches = Array.isArray(anyOf.schema) ? (anyOf.schema as { $ref?: unknown }[]) : [];
  return branches.flatMap((branch) => (typeof branch?.$ref === 'string' ? [branch.$ref] : []));
}

function describeOne(error: ErrorObject, context: DescribeContext): ManifestIssue | undefined {
  const { map } = context;
  const pointer = error.instancePath;
  const where = pointerToDotted(pointer);
  const schemaName = nameOfSchema(error.parentSchema);
  const params = error.params as Record<string, unknown>;
  const node = map.nodeAt(pointer);
  const found = () => describeFound(error.data, node, context);
  const at = (code: string, message: string, part: 'key' | 'value' = 'value', path = pointer) =>
    issue(code, message, map.locate(path, part), { path });

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
      const present = new Set(Object.keys((error.data as Record<string, unknown> | null) ?? {}));
      const candidates = known.filter((name) => !present.has(name));
      const hint = didYouMean(key, candidates.length > 0 ? candidates : known) || `; expected one of: ${known.join(', ')}`;
      const path = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      return at('schema_unknown_key', `unknown key ${JSON.stringify(key)} in ${titleOf(error.parentSchema, where)}${hint}`, 'key', path);
    }
    case 'required': {
      const missing = String(params.missingProperty);
      if (schemaName === '#/$defs/command/then') {
        return at('command_needs_slash', `command ${describeName(error.data)}has \`prefix: false\` but no \`slash\`: a command must be reachable as a prefix or a slash command`);
      }
      if (missing === 'type' && schemaName === '#/$defs/action') {
        return at('action_type_missing', `${where}: action is missing \`type\`; expected one of ${actionTypes().join(', ')}`);
      }
      const prefix = pointer === '' ? '' : `${where}: `;
      return at('schema_required', `${prefix}${titleOf(error.parentSchema, 'mapping').toLowerCase()} is missing required key ${JSON.stringify(missing)}`);
    }
    case 'anyOf':
      if (schemaName === '#/$defs/webhook/properties/channel') {
        if (typeof error.data === 'number') return unquotedSnowflake(error, context);
        return at('channel_invalid', `${where}: expected a channel id (a quoted string of 17–20 digits), "#name" or "category/#name", found ${found()}`);
      }
      if (schemaName === '#/$defs/executeWebhookAction') {
        return at('execute_webhook_empty', `${where}: EXECUTE_WEBHOOK needs \`content\` or \`embeds\` (or both)`);
      }
      {
        const shapes = describeBranches(error.schema);
        if (shapes) return at('schema_type', `${where}: expected ${shapes}, found ${found()}`);
      }
      return at('schema_invalid', `${where}: ${found()} does not match any allowed shape`);
    case 'discriminator': {
      if (params.error === 'mapping') {
        const value = String(params.tagValue);
        return at('action_type_unknown', `${where}: unknown action type ${JSON.stringify(value)}${didYouMean(value, actionTypes())}; expected one of ${actionTypes().join(', ')}`, 'value', `${pointer}/type`);
      }
      // A missing `type` is already reported by `required`.
      if ((error.data as { type?: unknown } | null)?.type === undefined) return undefined;
      return at('action_type_invalid', `${where}: action \`type\` must be one of ${actionTypes().join(', ')}, found ${describeFound((error.data as { type?: unknown }).type, map.nodeAt(`${pointer}/type`), context)}`, 'value', `${pointer}/type`);
    }
    case 'type':
      if (schemaName === '#/$defs/snowflake' && typeof error.data === 'number') return unquotedSnowflake(error, context);
      return at('schema_type', `${where}: expected ${describeType(params.type)}, found ${found()}`);
    case 'const':
      if (pointer === '/version') return describeVersion(error.data, at);
      return at('schema_const', `${where}: expected ${JSON.stringify(params.allowedValue)}, found ${found()}`);
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((value) => String(value));
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
      const list = allowed.length > 12 ? `a ${titleOf(error.parentSchema, 'value').toLowerCase()} name (see the schema)` : `one of ${allowed.join(', ')}`;
      const code = schemaName === '#/$defs/permission' ? 'permission_unknown' : 'schema_enum';
      return at(code, `${where}: ${found()} is not allowed${hint || `; expected ${list}`}`);
    }
    case 'not':
      if (schemaName === '#/$defs/webhookName') {
        return at('webhook_name_reserved', `${where}: webhook name ${found()} contains "clyde" or "discord", which Discord rejects in webhook names`);
      }
      return at('schema_invalid', `${where}: ${found()} is not allowed here`);
    case 'pattern':
      return describePattern(error, schemaName, where, found(), at);
    case 'format':
      return at('schema_format', `${where}: expected ${describeFormat(String(params.format))}, found ${found()}`);
    case 'minLength':
    case 'maxLength': {
      const length = typeof error.data === 'string' ? [...error.data].length : 0;
      const limit = Number(params.limit);
      const expected = error.keyword === 'minLength' ? (limit === 1 ? 'must not be empty' : `must be at least ${limit} characters`) : `must be at most ${limit} characters`;
      return at('schema_length', `${where} ${expected}, found ${length} character${length === 1 ? '' : 's'}`);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return at('schema_range', `${where} must be ${String(params.comparison)} ${String(params.limit)}, found ${found()}`);
    case 'minItems':
    case 'maxItems':
      return at('schema_items', `${where} ${error.keyword === 'minItems' ? 'needs at least' : 'may have at most'} ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`);
    case 'uniqueItems':
      return at('schema_unique', `${where} lists the same value twice (items ${String(params.j)} and ${String(params.i)})`);
    case 'propertyNames':
      return at('schema_key_invalid', `${where}: invalid key ${JSON.stringify(String(params.propertyName))}`, 'key', `${pointer}/${String(params.propertyName)}`);
    default:
      return at('schema_invalid', `${where}: ${error.message ?? 'is invalid'}`);
  }
}

function describePattern(
  error: ErrorObject,
  schemaName: string | undefined,
  where: string,
  found: string,
  at: (code: string, message: string) => ManifestIssue,
): ManifestIssue {
  switch (schemaName) {
    case '#/$defs/snowflake':
      return at('snowflake_invalid', `${where}: expected a Discord id (a quoted string of 17–20 digits), found ${found}`);
    case '#/$defs/commandName':
      return at('command_name_invalid', `${where}: ${found} is not a valid command name: 1–32 lowercase letters, digits, "-", "_" or "'" (Discord's rule for command names)`);
    case '#/$defs/httpUrl':
    case '#/properties/discord/properties/api_base':
      return at('url_invalid', `${where}: expected an http:// or https:// URL, found ${found}`);
    case '#/$defs/channelTarget':
      return at('snowflake_invalid', `${where}: expected a channel id (quoted, 17–20 digits) or "{{channel_id}}", found ${found}`);
    case '#/$defs/guild/properties/prefix':
      return at('prefix_invalid', `${where}: expected 1–12 characters without spaces, found ${found}`);
    case '#/properties/discord/properties/public_key':
      return at('public_key_invalid', `${where}: expected 64 hex characters (the application's Ed25519 public key), found ${found}`);
    default:
      return at('schema_pattern', `${where}: ${found} does not have the expected form (${String(error.params.pattern)})`);
  }
}

function describeVersion(data: unknown, at: (code: string, message: string) => ManifestIssue): ManifestIssue {
  if (typeof data === 'string' && Number(data) === 1) {
    return at('version_not_number', `version must be the number 1, not the string ${JSON.stringify(data)}; write \`version: 1\` without quotes`);
  }
  return at('version_unsupported', `unsupported manifest version ${JSON.stringify(data)}; this cordform reads version 1`);
}

/** An id written without quotes: YAML read digits as a float and lost the last ones. */
function unquotedSnowflake(error: ErrorObject, context: DescribeContext): ManifestIssue {
  const { map } = context;
  const node = map.nodeAt(error.instancePath);
  const written = node && isScalar(node) ? map.sourceText(node)?.trim() : undefined;
  const digits = written !== undefined && /^[0-9]+$/.test(written) ? written : String(error.data);
  const lost = written !== undefined && digits !== String(error.data) ? ` (YAML reads it as the number ${String(error.data)}, losing digits)` : '';
  return issue(
    'snowflake_unquoted',
    `${pointerToDotted(error.instancePath)}: Discord ids must be quoted strings${lost}; quote it: "${digits}"`,
    map.locate(error.instancePath),
    { path: error.instancePath },
  );
}

function describeFound(data: unknown, node: Node | undefined, context: DescribeContext): string {
  const written = node ? context.interpolated.get(node) : undefined;
  if (written !== undefined) return `the value of ${written.trim()}`;
  if (typeof data === 'string') return data.length > 60 ? `${JSON.stringify(data.slice(0, 57))}…` : JSON.stringify(data);
  if (typeof data === 'number') {
    const text = node && isScalar(node) ? context.map.sourceText(node)?.trim() : undefined;
    return `the number ${text ?? String(data)}`;
  }
  if (typeof data === 'boolean') return `the boolean ${String(data)}`;
  if (data === null || data === undefined) return 'nothing (null)';
  if (Array.isArray(data)) return data.length === 0 ? 'an empty list' : 'a list';
  return Object.keys(data).length === 0 ? 'an empty mapping' : 'a mapping';
}

function describeType(type: unknown): string {
  const names: Record<string, string> = {
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    object: 'a mapping (key: value)',
    array: 'a list',
    null: 'null',
  };
  const types = Array.isArray(type) ? type : [type];
  return types.map((item) => names[String(item)] ?? String(item)).join(' or ');
}

/** `a non-empty string or a mapping with at least one key` for an anyOf of plain typed branches; null otherwise. */
function describeBranches(branches: unknown): string | null {
  if (!Array.isArray(branches)) return null;
  const described = branches.map((branch: { type?: unknown; minLength?: number; minProperties?: number; minItems?: number }) => {
    if (typeof branch?.type !== 'string') return null;
    if (branch.type === 'string' && (branch.minLength ?? 0) >= 1) return 'a non-empty string';
    if (branch.type === 'object' && (branch.minProperties ?? 0) >= 1) return 'a mapping with at least one key';
    if (branch.type === 'array' && (branch.minItems ?? 0) >= 1) return 'a non-empty list';
    return describeType(branch.type);
  });
  return described.every((text) => text !== null) ? described.join(' or ') : null;
}

function describeFormat(format: string): string {
  return format === 'uri' ? 'an absolute URL' : `a value in ${format} format`;
}

function describeName(data: unknown): string {
  const name = (data as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? `${JSON.stringify(name)} ` : '';
}

function titleOf(schema: unknown, fallback: string): string {
  const title = (schema as { title?: unknown } | undefined)?.title;
  return typeof title === 'string' ? title : fallback;
}

function actionTypes(): string[] {
  const defs = loadManifestSchema().$defs as Record<string, { properties?: { type?: { enum?: string[] } } }>;
  return defs.action?.properties?.type?.enum ?? [];
}

let schemaNames: Map<string, string> | undefined;

/**
 * The JSON pointer of a subschema within the manifest schema, found structurally so it works
 * whether ajv inlined a `$ref` or not (ajv's `schemaPath` is relative to the last `$ref`).
 */
function nameOfSchema(schema: unknown): string | undefined {
  if (!schemaNames) {
    schemaNames = new Map();
    const stack: { value: unknown; pointer: string }[] = [{ value: loadManifestSchema(), pointer: '#' }];
    while (stack.length > 0) {
      const { value, pointer } = stack.pop()!;
      if (value === null || typeof value !== 'object') continue;
      const key = JSON.stringify(value);
      if (!schemaNames.has(key) || pointer.length < (schemaNames.get(key) ?? '').length) schemaNames.set(key, pointer);
      for (const [child, inner] of Object.entries(value)) stack.push({ value: inner, pointer: `${pointer}/${child}` });
    }
  }
  return schema === undefined ? undefined : schemaNames.get(JSON.stringify(schema));
}
