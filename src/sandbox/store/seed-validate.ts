import { isSnowflake } from './snowflake.js';
import type { SandboxSeed } from './seed-types.js';

/** One problem in a seed, with the path of the offending value (e.g. `guilds.0.channels.1.id`). */
export interface SeedIssue {
  path: Array<string | number>;
  message: string;
  /** The problem is the key itself (unknown key), not its value. */
  atKey?: boolean;
}

type Path = Array<string | number>;
type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Structural and cross-reference checks of a seed. Returns every issue found; an empty list
 * means the value is a valid SandboxSeed. Unknown keys are errors so typos do not pass silently.
 */
export function validateSeed(value: unknown): SeedIssue[] {
  const issues: SeedIssue[] = [];
  const fail = (path: Path, message: string, atKey = false) =>
    void issues.push({ path, message, ...(atKey ? { atKey } : {}) });

  if (!isObject(value)) {
    fail([], 'the seed must be a mapping with `bots` and `guilds`');
    return issues;
  }
  const check = new Checker(fail);
  check.keys(value, [], ['bots', 'users', 'guilds', 'webhooks']);
  const ids = new Map<string, string>();
  const claim = (id: unknown, path: Path, kind: string) => {
    if (typeof id !== 'string') return;
    const previous = ids.get(id);
    if (previous) fail(path, `duplicate id ${id} (already used by ${previous})`);
    else ids.set(id, kind);
  };

  const bots = check.list(value, 'bots', [], true);
  const tokens = new Set<string>();
  bots.forEach((bot, i) => {
    const p: Path = ['bots', i];
    if (!check.object(bot, p)) return;
    check.keys(bot, p, ['id', 'username', 'token', 'application_id', 'message_content', 'session_start_limit', 'public_key', 'avatar']);
    check.snowflake(bot, 'id', p, true);
    check.text(bot, 'username', p, true);
    check.text(bot, 'token', p, true);
    check.snowflake(bot, 'application_id', p, false);
    check.bool(bot, 'message_content', p);
    check.int(bot, 'session_start_limit', p);
    if (typeof bot.session_start_limit === 'number' && bot.session_start_limit < 1) fail([...p, 'session_start_limit'], 'must be at least 1');
    check.text(bot, 'public_key', p, false);
    check.nullableText(bot, 'avatar', p);
    claim(bot.id, [...p, 'id'], 'a bot');
    if (typeof bot.token === 'string') {
      if (tokens.has(bot.token)) fail([...p, 'token'], 'two bots share this token');
      tokens.add(bot.token);
    }
  });
  const botIds = new Set(bots.filter(isObject).map((bot) => bot.id));

  check.list(value, 'users', [], false).forEach((user, i) => {
    const p: Path = ['users', i];
    if (!check.object(user, p)) return;
    check.keys(user, p, ['id', 'username', 'global_name', 'avatar']);
    check.snowflake(user, 'id', p, true);
    check.text(user, 'username', p, true);
    check.nullableText(user, 'global_name', p);
    check.nullableText(user, 'avatar', p);
    claim(user.id, [...p, 'id'], 'a user');
  });
  const userIds = new Set([...ids.keys()]);

  const channelIds = new Set<string>();
  check.list(value, 'guilds', [], true).forEach((guild, g) => {
    const p: Path = ['guilds', g];
    if (!check.object(guild, p)) return;
    check.keys(guild, p, ['id', 'name', 'owner_id', 'icon', 'roles', 'members', 'channels']);
    check.snowflake(guild, 'id', p, true);
    check.text(guild, 'name', p, true);
    check.nullableText(guild, 'icon', p);
    claim(guild.id, [...p, 'id'], 'a guild');
    if (check.snowflake(guild, 'owner_id', p, false) && !userIds.has(guild.owner_id as string)) {
      fail([...p, 'owner_id'], `unknown user ${String(guild.owner_id)}`);
    }
    const roleIds = new Set<string>([String(guild.id)]);
    check.list(guild, 'roles', p, false).forEach((role, r) => {
      const rp: Path = [...p, 'roles', r];
      if (!check.object(role, rp)) return;
      check.keys(role, rp, ['id', 'name', 'permissions', 'position']);
      check.snowflake(role, 'id', rp, true);
      check.text(role, 'name', rp, true);
      check.int(role, 'position', rp);
      if (typeof role.permissions !== 'string' || !/^\d{1,30}$/.test(role.permissions)) {
        fail([...rp, 'permissions'], 'must be a permission bit set as a decimal string, e.g. "536870912"');
      }
      if (role.id !== guild.id) claim(role.id, [...rp, 'id'], 'a role');
      if (typeof role.id === 'string') roleIds.add(role.id);
    });
    check.list(guild, 'members', p, false).forEach((member, m) => {
      const mp: Path = [...p, 'members', m];
      if (typeof member === 'string') {
        if (!userIds.has(member)) fail(mp, `unknown user ${member}`);
        return;
      }
      if (!check.object(member, mp)) return;
      check.keys(member, mp, ['user_id', 'nick', 'roles', 'joined_at']);
      if (check.snowflake(member, 'user_id', mp, true) && !userIds.has(member.user_id as string)) {
        fail([...mp, 'user_id'], `unknown user ${String(member.user_id)}`);
      }
      check.nullableText(member, 'nick', mp);
      check.text(member, 'joined_at', mp, false);
      check.list(member, 'roles', mp, false).forEach((role, r) => {
        if (typeof role !== 'string' || !roleIds.has(role)) fail([...mp, 'roles', r], `unknown role ${String(role)}`);
      });
    });
    check.list(guild, 'channels', p, true).forEach((channel, c) => {
      const cp: Path = [...p, 'channels', c];
      if (!check.object(channel, cp)) return;
      check.keys(channel, cp, [
        'id', 'name', 'type', 'nsfw', 'position', 'parent_id', 'topic', 'permission_overwrites', 'lacks_manage_webhooks',
      ]);
      check.snowflake(channel, 'id', cp, true);
      check.text(channel, 'name', cp, true);
      check.int(channel, 'type', cp);
      check.bool(channel, 'nsfw', cp);
      check.int(channel, 'position', cp);
      check.nullableText(channel, 'topic', cp);
      if (channel.parent_id !== null) check.snowflake(channel, 'parent_id', cp, false);
      claim(channel.id, [...cp, 'id'], 'a channel');
      if (typeof channel.id === 'string') channelIds.add(channel.id);
      check.list(channel, 'permission_overwrites', cp, false).forEach((ow, o) => {
        const op: Path = [...cp, 'permission_overwrites', o];
        if (!check.object(ow, op)) return;
        check.keys(ow, op, ['id', 'type', 'allow', 'deny']);
        check.snowflake(ow, 'id', op, true);
        if (ow.type !== 0 && ow.type !== 1) fail([...op, 'type'], 'must be 0 (role) or 1 (member)');
        for (const key of ['allow', 'deny'] as const) {
          if (typeof ow[key] !== 'string' || !/^\d{1,30}$/.test(ow[key] as string)) {
            fail([...op, key], 'must be a permission bit set as a decimal string');
          }
        }
      });
      check.list(channel, 'lacks_manage_webhooks', cp, false).forEach((bot, b) => {
        if (typeof bot !== 'string' || !botIds.has(bot)) {
          fail([...cp, 'lacks_manage_webhooks', b], `unknown bot ${String(bot)}`);
        }
      });
    });
  });

  check.list(value, 'webhooks', [], false).forEach((hook, w) => {
    const p: Path = ['webhooks', w];
    if (!check.object(hook, p)) return;
    check.keys(hook, p, ['id', 'channel_id', 'name', 'creator_id', 'token', 'avatar']);
    check.snowflake(hook, 'id', p, true);
    check.text(hook, 'name', p, true);
    check.text(hook, 'token', p, false);
    check.nullableText(hook, 'avatar', p);
    claim(hook.id, [...p, 'id'], 'a webhook');
    if (check.snowflake(hook, 'channel_id', p, true) && !channelIds.has(hook.channel_id as string)) {
      fail([...p, 'channel_id'], `unknown channel ${String(hook.channel_id)}`);
    }
    if (check.snowflake(hook, 'creator_id', p, true) && !userIds.has(hook.creator_id as string)) {
      fail([...p, 'creator_id'], `unknown user ${String(hook.creator_id)}`);
    }
  });
  return issues;
}

/** Asserts the type after validateSeed found nothing. */
export function isValidSeed(value: unknown): value is SandboxSeed {
  return validateSeed(value).length === 0;
}

class Checker {
  constructor(private readonly fail: (path: Path, message: string, atKey?: boolean) => void) {}

  keys(obj: Obj, path: Path, allowed: string[]): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.fail([...path, key], `unknown key "${key}" (allowed: ${allowed.join(', ')})`, true);
    }
  }

  object(value: unknown, path: Path): value is Obj {
    if (isObject(value)) return true;
    this.fail(path, 'must be a mapping');
    return false;
  }

  list(obj: Obj, key: string, path: Path, required: boolean): unknown[] {
    const value = obj[key];
    if (value === undefined && !required) return [];
    if (!Array.isArray(value)) {
      this.fail([...path, key], required ? 'is required and must be a list' : 'must be a list');
      return [];
    }
    return value;
  }

  snowflake(obj: Obj, key: string, path: Path, required: boolean): boolean {
    const value = obj[key];
    if (value === undefined && !required) return false;
    if (isSnowflake(value)) return true;
    this.fail([...path, key], 'must be a snowflake written as a string, e.g. "100000000000000001"');
    return false;
  }

  text(obj: Obj, key: string, path: Path, required: boolean): void {
    const value = obj[key];
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || value.length === 0) this.fail([...path, key], 'must be a non-empty string');
  }

  nullableText(obj: Obj, key: string, path: Path): void {
    const value = obj[key];
    if (value !== undefined && value !== null && typeof value !== 'string') this.fail([...path, key], 'must be a string or null');
  }

  bool(obj: Obj, key: string, path: Path): void {
    const value = obj[key];
    if (value !== undefined && typeof value !== 'boolean') this.fail([...path, key], 'must be true or false');
  }

  int(obj: Obj, key: string, path: Path): void {
    const value = obj[key];
    if (value !== undefined && !Number.isInteger(value)) this.fail([...path, key], 'must be an integer');
  }
}
