import type { APIGatewayBotInfo } from '../../discord/types.js';
import { majorNone, type ApiRoute } from '../context.js';
import { toCurrentUser } from '../store/serialize.js';

/** The current bot (https://discord.com/developers/docs/resources/user#get-current-user) and its gateway. */
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
    path: '/gateway/bot',
    bucket: 'gateway-bot',
    auth: 'bot',
    major: majorNone,
    handle: (ctx) => {
      // https://discord.com/developers/docs/events/gateway#get-gateway-bot
      const body: APIGatewayBotInfo = {
        url: ctx.core.gatewayUrl(),
        shards: 1,
        session_start_limit: ctx.core.sessionStarts.snapshot(ctx.bot!.id),
      };
      return { status: 200, body };
    },
  },
];
