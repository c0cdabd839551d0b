import { majorParam, type ApiRoute } from '../context.js';
import { unknownMember, unknownUser } from '../http/errors.js';
import { Perm } from '../store/permissions.js';
import { toApiChannel, toApiGuild, toApiMember, toApiRole } from '../store/serialize.js';
import { isSnowflake } from '../store/snowflake.js';
import type { WorldChannel } from '../store/world.js';
import { requireGuild } from './access.js';

/** Guild reads (https://discord.com/developers/docs/resources/guild). The bot must be a member. */
export const guildRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/guilds/:guild_id',
    bucket: 'guild',
    auth: 'bot',
    major: majorParam('guild_id'),
    handle: (ctx) => ({ status: 200, body: toApiGuild(requireGuild(ctx.core, ctx.bot!, ctx.params.guild_id!)) }),
  },
  {
    method: 'GET',
    path: '/guilds/:guild_id/channels',
    bucket: 'guild-channels',
    auth: 'bot',
    major: majorParam('guild_id'),
    handle: (ctx) => {
      const guild = requireGuild(ctx.core, ctx.bot!, ctx.params.guild_id!);
      const { world, messages } = ctx.core.state;
      // Discord lists only the channels the bot can see.
      const channels = guild.channelIds
        .map((id) => world.channels.get(id))
        .filter((channel): channel is WorldChannel => channel !== undefined && ctx.core.state.can(ctx.bot!.id, channel, Perm.VIEW_CHANNEL))
        .map((channel) => toApiChannel(channel, messages.lastId(channel.id)));
      return { status: 200, body: channels };
    },
  },
  {
    // https://discord.com/developers/docs/resources/guild#get-guild-roles
    method: 'GET',
    path: '/guilds/:guild_id/roles',
    bucket: 'guild-roles',
    auth: 'bot',
    major: majorParam('guild_id'),
    handle: (ctx) => {
      const guild = requireGuild(ctx.core, ctx.bot!, ctx.params.guild_id!);
      return { status: 200, body: [...guild.roles].sort((a, b) => a.position - b.position || a.id.localeCompare(b.id)).map(toApiRole) };
    },
  },
  {
    method: 'GET',
    path: '/guilds/:guild_id/members/:user_id',
    bucket: 'guild-members',
    auth: 'bot',
    major: majorParam('guild_id'),
    handle: (ctx) => {
      const guild = requireGuild(ctx.core, ctx.bot!, ctx.params.guild_id!);
      const userId = ctx.params.user_id!;
      const user = ctx.core.state.world.users.get(userId);
      if (!isSnowflake(userId) || !user) throw unknownUser();
      const member = guild.members.get(userId);
      if (!member) throw unknownMember();
      return { status: 200, body: toApiMember(member, user, true) };
    },
  },
];
