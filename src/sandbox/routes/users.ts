import type { APIGatewayBotInfo } from '../../discord/types.js';
import { majorNone, type ApiRoute, type RouteContext } from '../context.js';
import { FormErrors } from '../http/errors.js';
import { queryFlag, queryLimit, querySnowflake } from '../http/query.js';
import { compareSnowflakes } from '../store/snowflake.js';
import { toCurrentUser } from '../store/serialize.js';
import { recommendedShardCount } from '../gateway/shard-rules.js';

/** The current bot (https://discord.com/developers/docs/resources/user#get-current-user), its guilds and its gateway. */
const MAX_GUILDS_PAGE = 200;

/**
 * Get Current User Guilds (https://discord.com/developers/docs/resources/user#get-current-user-guilds):
 * partial guilds by id, `before` / `after` a guild id, `limit` 1–200 (default 200),
 * `with_counts` adds approximate member and presence counts.
 */
function currentUserGuilds(ctx: RouteContext) {
  const bot = ctx.bot!;
  const query = ctx.request.query;
  const errors = new FormErrors();
  const limit = queryLimit(query, errors, MAX_GUILDS_PAGE, MAX_GUILDS_PAGE);
  const before = querySnowflake(query, 'before', errors);
  const after = querySnowflake(query, 'after', errors);
  errors.throwIfAny();
  const { world } = ctx.core.state;
  let guilds = world.guildsOf(bot.id).sort((a, b) => compareSnowflakes(a.id, b.id));
  if (after !== null) guilds = guilds.filter((guild) => compareSnowflakes(guild.id, after) > 0).slice(0, limit);
  else if (before !== null) guilds = guilds.filter((guild) => compareSnowflakes(guild.id, before) < 0).slice(-limit);
  else guilds = guilds.slice(0, limit);
  const counts = queryFlag(query, 'with_counts');
  return guilds.map((guild) => ({
    id: guild.id,
    name: guild.name,
    icon: guild.icon,
    banner: null,
    owner: guild.owner_id === bot.id,
    permissions: (world.guildPermissions(bot.id, guild.id) ?? 0n).toString(),
    features: [],
    ...(counts ? { approximate_member_count: guild.members.size, approximate_presence_count: 0 } : {}),
  }));
}

export const userRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/users/@me',
    bucket: 'users-me',
    auth: 'bot',
    major: majorNone,
    handle: (ctx) => ({ status: 200, body: toCurrentUser(ctx.bot!) }),
  },
  {
    method: 'GET',
    path: '/users/@me/guilds',
    bucket: 'users-me-guilds',
    auth: 'bot',
    major: majorNone,
    handle: (ctx) => ({ status: 200, body: currentUserGuilds(ctx) }),
  },
  {
    method: 'GET',
    path: '/gateway/bot',
    bucket: 'gateway-bot',
    auth: 'bot',
    major: majorNone,
    handle: (ctx) => {
      // https://discord.com/developers/docs/events/gateway#get-gateway-bot
      const body: APIGatewayBotInfo = {
        url: ctx.core.gatewayUrl(),
        shards: recommendedShardCount(ctx.bot!.sharding, ctx.core.state.world.guildsOf(ctx.bot!.id).length),
        session_start_limit: ctx.core.sessionStarts.snapshot(ctx.bot!.id),
      };
      return { status: 200, body };
    },
  },
];
