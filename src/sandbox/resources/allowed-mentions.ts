import type { APIUser } from '../../discord/types.js';
import type { SandboxCore } from '../context.js';
import { FieldErrors, type FieldError, type FormErrors } from '../http/errors.js';
import { toApiUser } from '../store/serialize.js';
import { isSnowflake } from '../store/snowflake.js';
import { Perm } from '../store/permissions.js';
import type { WorldChannel } from '../store/world.js';
import { checkOptionalBoolean } from './validation.js';

/**
 * Who a message pings, as Discord decides it
 * (https://discord.com/developers/docs/resources/message#allowed-mentions-object):
 *
 * - Without `allowed_mentions`, everything in the content counts; a reply also pings the
 *   author of the message it replies to.
 * - With it, a user counts only when `parse` has "users" or `users` lists them, a role when
 *   `parse` has "roles" or `roles` lists it, @everyone/@here only when `parse` has
 *   "everyone", and the replied-to author only with `replied_user: true`. `parse: []` pings
 *   nobody. `parse` with "users" and a non-empty `users` (or the same for roles) is a 50035.
 * - What is allowed must still be in the content, and permissions still apply: @everyone and
 *   roles that are not mentionable need MENTION_EVERYONE (webhooks have it).
 */
const MENTION_TYPES = ['roles', 'users', 'everyone'] as const;
type MentionType = (typeof MENTION_TYPES)[number];
const MAX_IDS = 100;

export interface AllowedMentions {
  parse: MentionType[];
  users: string[];
  roles: string[];
  repliedUser: boolean;
}

type Json = Record<string, unknown>;

const exclusive = (type: 'users' | 'roles'): FieldError => ({
  code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
  message: `parse:["${type}"] and ${type}: [ids...] are mutually exclusive.`,
});

/** `allowed_mentions` at `path` (e.g. ['allowed_mentions']); undefined when absent or null (default allowances). */
export function checkAllowedMentions(value: unknown, path: Array<string | number>, errors: FormErrors): AllowedMentions | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.add(path, FieldErrors.dict());
    return undefined;
  }
  const raw = value as Json;
  const parse: MentionType[] = [];
  if (raw.parse !== undefined && raw.parse !== null) {
    if (!Array.isArray(raw.parse)) errors.add([...path, 'parse'], FieldErrors.array());
    else {
      raw.parse.forEach((type: unknown, i) => {
        if (MENTION_TYPES.includes(type as MentionType)) parse.push(type as MentionType);
        else errors.add([...path, 'parse', i], FieldErrors.choices(MENTION_TYPES.map((name) => `'${name}'`)));
      });
    }
  }
  const ids = (field: 'users' | 'roles'): string[] => {
    const list = raw[field];
    // A falsy list ([] or null) is no list at all, even next to parse (Discord's own example).
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) errors.add([...path, field], FieldErrors.array());
    else if (list.length > MAX_IDS) errors.add([...path, field], FieldErrors.maxLength(MAX_IDS));
    else {
      list.forEach((id: unknown, i) => {
        if (!isSnowflake(id)) errors.add([...path, field, i], FieldErrors.notSnowflake(id));
      });
      return list as string[];
    }
    return [];
  };
  const users = ids('users');
  const roles = ids('roles');
  if (parse.includes('users') && users.length > 0) errors.add(path, exclusive('users'));
  if (parse.includes('roles') && roles.length > 0) errors.add(path, exclusive('roles'));
  checkOptionalBoolean(raw.replied_user, [...path, 'replied_user'], errors);
  return { parse, users, roles, repliedUser: raw.replied_user === true };
}

export interface MentionScope {
  channel: WorldChannel;
  /** The author's user id; null for a webhook (which may mention anyone). */
  authorId: string | null;
  /** Allowances of the request; undefined = Discord's defaults. */
  allowed: AllowedMentions | undefined;
  /** For a reply: the author of the message replied to (a user, not a webhook). */
  repliedAuthorId?: string;
}

export interface Mentions {
  mentions: APIUser[];
  mention_roles: string[];
  mention_everyone: boolean;
}

const USER_MENTION = /<@!?(\d{1,20})>/g;
const ROLE_MENTION = /<@&(\d{1,20})>/g;
const EVERYONE = /@(everyone|here)(?![\w])/;

export function resolveMentions(core: SandboxCore, content: string, scope: MentionScope): Mentions {
  const { world } = core.state;
  const { allowed } = scope;
  const canPingAll = scope.authorId === null || core.state.can(scope.authorId, scope.channel, Perm.MENTION_EVERYONE);
  const userAllowed = (id: string) => !allowed || allowed.parse.includes('users') || allowed.users.includes(id);
  const roleAllowed = (id: string) => !allowed || allowed.parse.includes('roles') || allowed.roles.includes(id);

  const users: APIUser[] = [];
  const add = (id: string) => {
    const user = world.users.get(id);
    if (user && !users.some((known) => known.id === id)) users.push(toApiUser(user));
  };
  for (const match of content.matchAll(USER_MENTION)) if (userAllowed(match[1]!)) add(match[1]!);
  if (scope.repliedAuthorId !== undefined && scope.repliedAuthorId !== scope.authorId && (!allowed || allowed.repliedUser)) {
    add(scope.repliedAuthorId);
  }

  const guild = world.guilds.get(scope.channel.guild_id);
  const roles: string[] = [];
  for (const match of content.matchAll(ROLE_MENTION)) {
    const role = guild?.roles.find((candidate) => candidate.id === match[1] && candidate.id !== guild.id);
    if (!role || roles.includes(role.id) || !roleAllowed(role.id)) continue;
    if (canPingAll || (role as { mentionable?: boolean }).mentionable) roles.push(role.id);
  }
  const everyone = (!allowed || allowed.parse.includes('everyone')) && canPingAll && EVERYONE.test(content);
  return { mentions: users, mention_roles: roles, mention_everyone: everyone };
}
