import type { InputIssue } from '../input/input-issues.js';
import { ChannelType, isCategory } from './channel-types.js';
import type { SandboxSeed, SeedGuild } from './seed-types.js';

type Path = Array<string | number>;

/**
 * What the seed schema cannot check: ids are unique across the seed (the @everyone role
 * shares its guild's id), no two bots share a token, and every reference names something the
 * seed declares. Runs on a seed that already matches the schema.
 */
export function checkSeedReferences(seed: SandboxSeed): InputIssue[] {
  const issues: InputIssue[] = [];
  const fail = (path: Path, message: string) => void issues.push({ path, message });
  const ids = new Map<string, string>();
  const claim = (id: string, path: Path, kind: string) => {
    const previous = ids.get(id);
    if (previous) fail(path, `duplicate id ${id} (already used by ${previous})`);
    else ids.set(id, kind);
  };

  const tokens = new Set<string>();
  seed.bots.forEach((bot, i) => {
    claim(bot.id, ['bots', i, 'id'], 'a bot');
    if (tokens.has(bot.token)) fail(['bots', i, 'token'], 'two bots share this token');
    tokens.add(bot.token);
  });
  (seed.users ?? []).forEach((user, i) => claim(user.id, ['users', i, 'id'], 'a user'));
  const userIds = new Set([...seed.bots.map((bot) => bot.id), ...(seed.users ?? []).map((user) => user.id)]);
  const botIds = new Set(seed.bots.map((bot) => bot.id));

  const channelIds = new Set<string>();
  seed.guilds.forEach((guild, g) => {
    claim(guild.id, ['guilds', g, 'id'], 'a guild');
    if (guild.owner_id !== undefined && !userIds.has(guild.owner_id)) fail(['guilds', g, 'owner_id'], `unknown user ${guild.owner_id}`);
    checkGuild(guild, ['guilds', g], { claim, fail, userIds, botIds });
    for (const channel of guild.channels) channelIds.add(channel.id);
  });
  seed.guilds.forEach((guild, g) =>
    guild.channels.forEach((channel, c) => {
      if (channel.parent_id && !guild.channels.some((other) => other.id === channel.parent_id && isCategory(other.type ?? ChannelType.GUILD_TEXT))) {
        fail(['guilds', g, 'channels', c, 'parent_id'], `unknown category ${channel.parent_id} in this guild`);
      }
    }),
  );

  (seed.webhooks ?? []).forEach((hook, w) => {
    claim(hook.id, ['webhooks', w, 'id'], 'a webhook');
    if (!channelIds.has(hook.channel_id)) fail(['webhooks', w, 'channel_id'], `unknown channel ${hook.channel_id}`);
    if (!userIds.has(hook.creator_id)) fail(['webhooks', w, 'creator_id'], `unknown user ${hook.creator_id}`);
  });
  return issues;
}

interface GuildChecks {
  claim(id: string, path: Path, kind: string): void;
  fail(path: Path, message: string): void;
  userIds: ReadonlySet<string>;
  botIds: ReadonlySet<string>;
}

function checkGuild(guild: SeedGuild, path: Path, checks: GuildChecks): void {
  const { claim, fail, userIds, botIds } = checks;
  const roleIds = new Set<string>([guild.id]);
  (guild.roles ?? []).forEach((role, r) => {
    if (role.id !== guild.id) claim(role.id, [...path, 'roles', r, 'id'], 'a role');
    roleIds.add(role.id);
  });
  (guild.members ?? []).forEach((member, m) => {
    const entry = typeof member === 'string' ? { user_id: member } : member;
    const memberPath: Path = typeof member === 'string' ? [...path, 'members', m] : [...path, 'members', m, 'user_id'];
    if (!userIds.has(entry.user_id)) fail(memberPath, `unknown user ${entry.user_id}`);
    (typeof member === 'string' ? [] : (member.roles ?? [])).forEach((role, r) => {
      if (!roleIds.has(role)) fail([...path, 'members', m, 'roles', r], `unknown role ${role}`);
    });
  });
  guild.channels.forEach((channel, c) => {
    claim(channel.id, [...path, 'channels', c, 'id'], 'a channel');
    (channel.lacks_manage_webhooks ?? []).forEach((bot, b) => {
      if (!botIds.has(bot)) fail([...path, 'channels', c, 'lacks_manage_webhooks', b], `unknown bot ${bot}`);
    });
  });
}
