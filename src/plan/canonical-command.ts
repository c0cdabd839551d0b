/**
 * One canonical slash command shape for declared (`commands[].slash`) and live
 * (`GET /applications/{app}/guilds/{guild}/commands`) commands, with Discord's defaults
 * filled in, so that equal commands compare equal whatever either side omitted.
 * https://discord.com/developers/docs/interactions/application-commands#application-command-object
 */
import type { APIApplicationCommand, APIApplicationCommandOption, APIApplicationCommandWrite } from '../discord/types.js';
import type { CommandDeclaration, SlashOption } from '../manifest/types.js';
import { permissionBits } from '../discord/permissions.js';
import { assertNever } from '../errors.js';
import { compareText } from './sort.js';

/** CHAT_INPUT: the only command type a manifest declares. */
export const CHAT_INPUT = 1;

export interface CanonicalOption {
  type: number;
  name: string;
  description: string;
  required: boolean;
  choices: { name: string; value: string | number }[];
  options: CanonicalOption[];
}

export interface CanonicalCommand {
  type: number;
  name: string;
  description: string;
  options: CanonicalOption[];
  /** Who sees the command before any server override: a permission bitfield string, or null for everyone. */
  default_member_permissions: string | null;
  /** Age-restricted: only usable in NSFW channels. */
  nsfw: boolean;
}

/** Declared commands with `slash:`, sorted by name. */
export function canonicalCommandsFromDeclarations(commands: readonly CommandDeclaration[]): CanonicalCommand[] {
  return sortCommands(
    commands.flatMap((command) =>
      command.slash === undefined
        ? []
        : [
            {
              type: CHAT_INPUT,
              name: command.name,
              description: command.slash.description,
              options: command.slash.options.map(declaredOption),
              default_member_permissions: defaultMemberPermissions(command.inhibitors.permissions),
              nsfw: command.inhibitors.nsfw,
            },
          ],
    ),
  );
}

export function canonicalCommandsFromLive(commands: readonly APIApplicationCommand[]): CanonicalCommand[] {
  return sortCommands(
    commands.map((c) => ({
      type: c.type,
      name: c.name,
      description: c.description,
      options: (c.options ?? []).map(liveOption),
      default_member_permissions: c.default_member_permissions ?? null,
      nsfw: c.nsfw ?? false,
    })),
  );
}

/**
 * The `permissions` inhibitor becomes Discord's `default_member_permissions`, so members who
 * could never pass it do not see the command in the picker (the runtime still checks it:
 * server admins can override command permissions). No inhibitor → null (everyone). The
 * schema only admits known names; an unknown one would give "0" (administrators only), failing closed.
 */
function defaultMemberPermissions(names: readonly string[]): string | null {
  if (names.length === 0) return null;
  return (permissionBits(names) ?? 0n).toString();
}

/** `NAME`, or `NAME (type N)` for user/message commands, so the two never collide. */
export function commandKey(command: CanonicalCommand): string {
  return command.type === CHAT_INPUT ? command.name : `${command.name} (type ${command.type})`;
}

/** What a bulk overwrite sends for one command. */
export type CommandWrite = APIApplicationCommandWrite;

/**
 * The bulk-overwrite body: Discord's shape with empty option lists left out. The permission
 * and nsfw fields are always sent, so the overwrite sets them rather than relying on what
 * Discord keeps for a field a body omits.
 */
export function commandBody(command: CanonicalCommand): CommandWrite {
  const options = command.options.map(optionBody);
  return {
    type: command.type,
    name: command.name,
    description: command.description,
    ...(options.length > 0 ? { options } : {}),
    default_member_permissions: command.default_member_permissions,
    nsfw: command.nsfw,
  };
}

function optionBody(option: CanonicalOption): APIApplicationCommandOption {
  const options = option.options.map(optionBody);
  return {
    type: option.type,
    name: option.name,
    description: option.description,
    ...(option.required ? { required: true } : {}),
    ...(option.choices.length > 0 ? { choices: option.choices } : {}),
    ...(options.length > 0 ? { options } : {}),
  };
}

function declaredOption(option: SlashOption): CanonicalOption {
  return {
    type: optionType(option.type),
    name: option.name,
    description: option.description,
    required: option.required,
    choices: (option.choices ?? []).map((c) => ({ name: c.name, value: c.value })),
    options: [],
  };
}

function liveOption(option: APIApplicationCommandOption): CanonicalOption {
  return {
    type: option.type,
    name: option.name,
    description: option.description,
    required: option.required ?? false,
    choices: (option.choices ?? []).map((c) => ({ name: c.name, value: c.value })),
    options: (option.options ?? []).map(liveOption),
  };
}

/** https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-type */
function optionType(type: SlashOption['type']): number {
  switch (type) {
    case 'string':
      return 3;
    case 'integer':
      return 4;
    case 'boolean':
      return 5;
    case 'user':
      return 6;
    case 'channel':
      return 7;
    case 'role':
      return 8;
    case 'number':
      return 10;
    default:
      return assertNever(type, 'slash option type');
  }
}

function sortCommands(commands: CanonicalCommand[]): CanonicalCommand[] {
  return commands.sort((a, b) => compareText(commandKey(a), commandKey(b)));
}
