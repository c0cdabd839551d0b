import type { APIApplicationCommand, APIApplicationCommandOption, APIApplicationCommandWrite } from '../../discord/types.js';
import { FieldErrors, FormErrors, SandboxHttpError, type FieldError } from '../http/errors.js';
import type { SnowflakeGenerator } from '../store/snowflake.js';

/**
 * Guild application commands: validation with Discord's 50035 field errors and the
 * in-memory store behind `/applications/{application.id}/guilds/{guild.id}/commands`
 * (https://discord.com/developers/docs/interactions/application-commands).
 *
 * - Names: CHAT_INPUT command and option names match `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`
 *   and use the lowercase variant of every cased letter; USER/MESSAGE names are 1–32
 *   characters of anything ("Application Command Naming").
 * - Descriptions 1–100 for CHAT_INPUT commands and all options; empty for USER/MESSAGE.
 * - At most 25 options per level and 25 choices; required options before optional ones.
 * - Per guild: 100 CHAT_INPUT, 5 USER, 5 MESSAGE commands; over that 400 30032.
 * - Names are unique per application, type and guild; a POST with a used name is an upsert
 *   (200 instead of 201); a bulk overwrite keeps the id of a command whose (type, name)
 *   already exists and deletes every command it does not list.
 * - `version` changes only when a command's content changes.
 */
const CHAT_INPUT = 1;
const COMMAND_TYPES = [1, 2, 3] as const;
const OPTION_TYPES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
const SUB_COMMAND = 1;
const SUB_COMMAND_GROUP = 2;
const WITH_CHOICES = new Set([3, 4, 10]);
const MAX_OPTIONS = 25;
const MAX_CHOICES = 25;
/** Per guild and application, by command type (PRIMARY_ENTRY_POINT cannot be a guild command). */
const COMMAND_LIMITS: Record<number, number> = { 1: 100, 2: 5, 3: 5 };

const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

export type StoredCommand = APIApplicationCommand & { guild_id: string; nsfw: boolean };

/** A validated command body, before it gets an id and version. */
export type CommandInput = APIApplicationCommandWrite;

const ERR = {
  invalidName: (): FieldError => ({ code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' }),
  duplicateName: (): FieldError => ({
    code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
    message: 'Application command names must be unique',
  }),
  duplicateOption: (): FieldError => ({
    code: 'APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME',
    message: 'Command option names must be unique',
  }),
  requiredOrder: (): FieldError => ({
    code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
    message: 'Required options must be placed before non-required options',
  }),
  descriptionNotEmpty: (): FieldError => ({
    code: 'APPLICATION_COMMAND_DESCRIPTION_NOT_EMPTY',
    message: 'Description must be empty for this command type',
  }),
  boolean: (value: unknown): FieldError => ({ code: 'BASE_TYPE_BOOLEAN', message: `Could not interpret "${String(value)}" as boolean.` }),
  permissions: (value: unknown): FieldError => ({
    code: 'NUMBER_TYPE_COERCE',
    message: `Value "${String(value)}" is not a valid permissions bitfield.`,
  }),
} as const;

const maxCommands = (limit: number) =>
  new SandboxHttpError(400, { message: `Maximum number of application commands reached (${limit})`, code: 30032 });

type Path = Array<string | number>;

/** Checks one command body; errors are added under `path` (an index for bulk overwrites). */
export function checkCommand(raw: unknown, path: Path, form: FormErrors): CommandInput | null {
  const errors = new Collector(form);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.add(path, FieldErrors.dict());
    return null;
  }
  const body = raw as Record<string, unknown>;
  const before = errors.count;
  const type = body.type === undefined || body.type === null ? CHAT_INPUT : body.type;
  if (!COMMAND_TYPES.includes(type as (typeof COMMAND_TYPES)[number])) errors.add([...path, 'type'], FieldErrors.choices(COMMAND_TYPES));
  const chatInput = type === CHAT_INPUT;
  const name = checkName(body.name, [...path, 'name'], errors, chatInput);
  let description = '';
  if (chatInput) description = checkText(body.description, [...path, 'description'], errors, 1, 100) ?? '';
  else if (body.description !== undefined && body.description !== null && body.description !== '') {
    errors.add([...path, 'description'], ERR.descriptionNotEmpty());
  }
  let options: APIApplicationCommandOption[] | undefined;
  if (body.options !== undefined && body.options !== null) {
    options = chatInput ? checkOptions(body.options, [...path, 'options'], errors, 0) : undefined;
  }
  const permissions = checkPermissions(body.default_member_permissions, [...path, 'default_member_permissions'], errors);
  if (body.nsfw !== undefined && typeof body.nsfw !== 'boolean') errors.add([...path, 'nsfw'], ERR.boolean(body.nsfw));
  if (errors.count !== before || name === undefined) return null;
  return {
    type: type as number,
    name,
    description,
    ...(options && options.length > 0 ? { options } : {}),
    default_member_permissions: permissions,
    nsfw: body.nsfw === true,
  };
}

function checkName(value: unknown, path: Path, errors: Collector, chatInput: boolean): string | undefined {
  const name = checkText(value, path, errors, 1, 32);
  if (name === undefined) return undefined;
  if (chatInput && (!CHAT_INPUT_NAME.test(name) || name !== name.toLowerCase())) {
    errors.add(path, ERR.invalidName());
    return undefined;
  }
  return name;
}

function checkText(value: unknown, path: Path, errors: Collector, min: number, max: number): string | undefined {
  if (value === undefined || value === null) {
    errors.add(path, FieldErrors.required());
    return undefined;
  }
  if (typeof value !== 'string') {
    errors.add(path, FieldErrors.string(value));
    return undefined;
  }
  const length = [...value].length;
  if (length < min || length > max) {
    errors.add(path, FieldErrors.badLength(min, max));
    return undefined;
  }
  return value;
}

function checkPermissions(value: unknown, path: Path, errors: Collector): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,20}$/.test(text)) {
    errors.add(path, ERR.permissions(value));
    return null;
  }
  return BigInt(text).toString();
}

function checkOptions(value: unknown, path: Path, errors: Collector, depth: number): APIApplicationCommandOption[] | undefined {
  if (!Array.isArray(value)) {
    errors.add(path, FieldErrors.array());
    return undefined;
  }
  if (value.length > MAX_OPTIONS) {
    errors.add(path, FieldErrors.maxLength(MAX_OPTIONS));
    return undefined;
  }
  const out: APIApplicationCommandOption[] = [];
  const names = new Set<string>();
  let sawOptional = false;
  value.forEach((item: unknown, index) => {
    const option = checkOption(item, [...path, index], errors, depth);
    if (!option) return;
    if (names.has(option.name)) errors.add([...path, index, 'name'], ERR.duplicateOption());
    names.add(option.name);
    if (option.required === true && sawOptional) errors.add([...path, index, 'required'], ERR.requiredOrder());
    if (option.required !== true) sawOptional = true;
    out.push(option);
  });
  return out;
}

function checkOption(raw: unknown, path: Path, errors: Collector, depth: number): APIApplicationCommandOption | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.add(path, FieldErrors.dict());
    return null;
  }
  const body = raw as Record<string, unknown>;
  const allowed = depth === 0 ? OPTION_TYPES : depth === 1 ? OPTION_TYPES.filter((t) => t !== SUB_COMMAND_GROUP) : OPTION_TYPES.filter((t) => t > 2);
  const type = body.type;
  const typeOk = allowed.includes(type as (typeof OPTION_TYPES)[number]);
  if (!typeOk) errors.add([...path, 'type'], FieldErrors.choices(allowed));
  const name = checkName(body.name, [...path, 'name'], errors, true);
  const description = checkText(body.description, [...path, 'description'], errors, 1, 100);
  if (body.required !== undefined && typeof body.required !== 'boolean') errors.add([...path, 'required'], ERR.boolean(body.required));
  const option: APIApplicationCommandOption = { type: type as number, name: name ?? '', description: description ?? '' };
  if (body.required === true && type !== SUB_COMMAND && type !== SUB_COMMAND_GROUP) option.required = true;
  if (body.choices !== undefined && body.choices !== null) {
    const choices = checkChoices(body.choices, [...path, 'choices'], errors);
    if (choices && typeOk && WITH_CHOICES.has(type as number) && choices.length > 0) option.choices = choices;
  }
  if ((type === SUB_COMMAND || type === SUB_COMMAND_GROUP) && body.options !== undefined && body.options !== null) {
    const nested = checkOptions(body.options, [...path, 'options'], errors, depth + 1);
    if (nested && nested.length > 0) option.options = nested;
  }
  return name === undefined || description === undefined || !typeOk ? null : option;
}

function checkChoices(value: unknown, path: Path, errors: Collector): { name: string; value: string | number }[] | undefined {
  if (!Array.isArray(value)) {
    errors.add(path, FieldErrors.array());
    return undefined;
  }
  if (value.length > MAX_CHOICES) {
    errors.add(path, FieldErrors.maxLength(MAX_CHOICES));
    return undefined;
  }
  const out: { name: string; value: string | number }[] = [];
  value.forEach((item: unknown, index) => {
    const choice = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const name = checkText(choice.name, [...path, index, 'name'], errors, 1, 100);
    const raw = choice.value;
    const ok = (typeof raw === 'string' && [...raw].length <= 100) || (typeof raw === 'number' && Number.isFinite(raw));
    if (!ok) errors.add([...path, index, 'value'], raw === undefined ? FieldErrors.required() : FieldErrors.string(raw));
    if (name !== undefined && ok) out.push({ name, value: raw as string | number });
  });
  return out;
}

/** FormErrors plus a count, so a checker knows whether its part of the body added any. */
class Collector {
  count = 0;
  constructor(private readonly form: FormErrors) {}

  add(path: Path, error: FieldError): void {
    this.count += 1;
    this.form.add(path, error);
  }
}

/** What identifies a command within a guild: names are unique per type. */
const keyOf = (command: { type: number; name: string }) => `${command.type}:${command.name}`;

/**
 * Guild commands per (application, guild). A change is handed to `commit` as the new list
 * (SandboxState journals it and calls `set`), so a restart with `--state FILE` keeps it.
 */
/** Where a command list lives: one application in one guild. */
const scopeKey = (applicationId: string, guildId: string) => `${applicationId}:${guildId}`;

export class ApplicationCommandStore {
  /** Command lists by scopeKey; never an empty list. */
  private readonly byGuild = new Map<string, StoredCommand[]>();

  constructor(
    private readonly snowflakes: SnowflakeGenerator,
    private readonly commit: (applicationId: string, guildId: string, commands: StoredCommand[]) => void,
  ) {}

  /** Every stored command (for `--state FILE`). */
  all(): StoredCommand[] {
    return [...this.byGuild.values()].flat().map((command) => structuredClone(command));
  }

  /** Every stored command back from a state file: grouped by scope, in the order given. */
  restore(commands: readonly StoredCommand[]): void {
    const byScope = new Map<string, StoredCommand[]>();
    for (const command of commands) {
      const key = scopeKey(command.application_id, command.guild_id);
      const list = byScope.get(key);
      if (list) list.push(command);
      else byScope.set(key, [command]);
    }
    for (const list of byScope.values()) this.set(list[0]!.application_id, list[0]!.guild_id, list);
  }

  /** The whole list of one application in one guild (applying a commit, or restoring). */
  set(applicationId: string, guildId: string, commands: StoredCommand[]): void {
    for (const command of commands) {
      this.snowflakes.observe(command.id);
      this.snowflakes.observe(command.version);
    }
    const key = scopeKey(applicationId, guildId);
    if (commands.length === 0) this.byGuild.delete(key);
    else this.byGuild.set(key, commands.map((command) => structuredClone(command)));
  }

  list(applicationId: string, guildId: string): StoredCommand[] {
    return this.raw(applicationId, guildId).map((command) => structuredClone(command));
  }

  /** Bulk overwrite: the given commands become the whole list, in the given order. */
  overwrite(applicationId: string, guildId: string, inputs: CommandInput[]): StoredCommand[] {
    checkLimits(inputs);
    const existing = new Map(this.raw(applicationId, guildId).map((command) => [keyOf(command), command]));
    const next = inputs.map((input) => this.stored(applicationId, guildId, input, existing.get(keyOf(input))));
    this.commit(applicationId, guildId, next);
    return next.map((command) => structuredClone(command));
  }

  /** Create (upsert by type + name): `created` is false when a command was replaced. */
  upsert(applicationId: string, guildId: string, input: CommandInput): { command: StoredCommand; created: boolean } {
    const list = this.raw(applicationId, guildId);
    const index = list.findIndex((command) => keyOf(command) === keyOf(input));
    if (index === -1) checkLimits([...list, input]);
    const command = this.stored(applicationId, guildId, input, index === -1 ? undefined : list[index]);
    const next = [...list];
    if (index === -1) next.push(command);
    else next[index] = command;
    this.commit(applicationId, guildId, next);
    return { command: structuredClone(command), created: index === -1 };
  }

  find(applicationId: string, guildId: string, predicate: (command: StoredCommand) => boolean): StoredCommand | undefined {
    const found = this.raw(applicationId, guildId).find(predicate);
    return found ? structuredClone(found) : undefined;
  }

  /** Applications that have a command with this name (CHAT_INPUT) in the guild. */
  applicationsWith(guildId: string, name: string): string[] {
    const out: string[] = [];
    for (const list of this.byGuild.values()) {
      const match = list.find((c) => c.guild_id === guildId && c.type === CHAT_INPUT && c.name === name);
      if (match) out.push(match.application_id);
    }
    return out;
  }

  clear(): void {
    this.byGuild.clear();
  }

  private raw(applicationId: string, guildId: string): StoredCommand[] {
    return this.byGuild.get(scopeKey(applicationId, guildId)) ?? [];
  }

  private stored(applicationId: string, guildId: string, input: CommandInput, previous: StoredCommand | undefined): StoredCommand {
    const content = (command: CommandInput | StoredCommand) =>
      JSON.stringify([command.description, command.options ?? [], command.default_member_permissions, command.nsfw]);
    const unchanged = previous !== undefined && content(previous) === content(input);
    return {
      id: previous?.id ?? this.snowflakes.next(),
      application_id: applicationId,
      version: unchanged ? previous.version : this.snowflakes.next(),
      default_member_permissions: input.default_member_permissions,
      type: input.type,
      name: input.name,
      description: input.description,
      guild_id: guildId,
      nsfw: input.nsfw,
      ...(input.options ? { options: structuredClone(input.options) } : {}),
    };
  }
}

/** 400 30032 when a type has more commands than a guild may hold; 50035 on duplicate names. */
function checkLimits(inputs: readonly CommandInput[]): void {
  const errors = new FormErrors();
  const seen = new Set<string>();
  inputs.forEach((input, index) => {
    if (seen.has(keyOf(input))) errors.add([index, 'name'], ERR.duplicateName());
    seen.add(keyOf(input));
  });
  errors.throwIfAny();
  for (const [type, limit] of Object.entries(COMMAND_LIMITS)) {
    if (inputs.filter((input) => input.type === Number(type)).length > limit) throw maxCommands(limit);
  }
}
