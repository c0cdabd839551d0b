import { assertNever } from '../errors.js';

/**
 * Which commands need a `${VAR}` set depends on the field it is written in. A fork's pull
 * request has no secrets, a plan job has only the bot token, and only the runtime holds the
 * secrets its actions send — so each command asks for the classes it reads, and an unset
 * variable of another class is information, not an error.
 *
 * - `declaration`: what the manifest declares (ids, names, channels, URLs, messages…). Every
 *   plan reads it and the plan's manifest fingerprint covers it.
 * - `bot_token`: `discord.token`, for every command that talks to Discord.
 * - `runtime_secret`: read only by `cordform run` — THIRD_PARTY_MESSAGE Bearer tokens,
 *   HTTP_POST signing secrets and header values, and `discord.public_key`. The plan
 *   fingerprint leaves every one of them out, so a plan is the same whether they are set.
 */
export type VariableClass = 'declaration' | 'bot_token' | 'runtime_secret';

/** What each kind of command needs set. */
export const VARIABLE_NEEDS = {
  /** `validate`: nothing; unset variables are listed as information. */
  offline: [],
  /** `plan`, `apply`, `check`, `output`, `rotate`: the declarations and the bot token. */
  discord: ['declaration', 'bot_token'],
  /** `run`: everything. */
  runtime: ['declaration', 'bot_token', 'runtime_secret'],
} as const satisfies Record<string, readonly VariableClass[]>;

/** Fields under a command's action that only the runtime reads (and the fingerprint drops). */
const RUNTIME_ACTION_FIELDS = new Set(['token', 'signing_secret', 'headers']);

/**
 * The class of the field at `segments` (a JSON pointer's segments, e.g.
 * `['guilds', '0', 'commands', '1', 'actions', '0', 'token']`). An anchored value may be
 * aliased into any other field, so it counts as a declaration wherever it is written.
 */
export function classifyField(segments: readonly string[], anchored = false): VariableClass {
  if (anchored) return 'declaration';
  const [section, field] = segments;
  if (section === 'discord') {
    if (field === 'token' && segments.length === 2) return 'bot_token';
    if (field === 'public_key' && segments.length === 2) return 'runtime_secret';
    return 'declaration';
  }
  // guilds/G/commands/C/actions/A/<field>[/...]: only action fields, not embeds or messages.
  if (section === 'guilds' && segments[2] === 'commands' && segments[4] === 'actions' && segments.length >= 7) {
    return RUNTIME_ACTION_FIELDS.has(segments[6]!) ? 'runtime_secret' : 'declaration';
  }
  return 'declaration';
}

/** Who needs a variable of this class, for messages. */
export function describeNeed(variableClass: VariableClass): string {
  switch (variableClass) {
    case 'declaration':
      return 'every command but `validate` needs it';
    case 'bot_token':
      return '`plan`, `apply`, `check` and `run` need it (the bot token)';
    case 'runtime_secret':
      return 'only `cordform run` needs it';
    default:
      return assertNever(variableClass, 'variable class');
  }
}
