import { ApplicationFlag } from '../../discord/types.js';
import { majorNone, type ApiRoute, type RouteContext } from '../context.js';
import { applicationSigningKeys } from '../interactions/signing.js';
import { toApiUser } from '../store/serialize.js';

/**
 * The bot's own application (https://discord.com/developers/docs/resources/application#get-current-application),
 * also under the older `GET /oauth2/applications/@me`. `verify_key` is the key the sandbox
 * signs interactions with; `interactions_endpoint_url` is the seed's (null: interactions
 * arrive over the gateway). The sandbox does not model application owners or teams.
 */
function currentApplication(ctx: RouteContext) {
  const bot = ctx.bot!;
  return {
    id: bot.application_id,
    name: bot.username,
    icon: null,
    description: '',
    summary: '',
    type: null,
    hook: true,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: applicationSigningKeys(bot.application_id).publicKey,
    flags: bot.message_content ? ApplicationFlag.GATEWAY_MESSAGE_CONTENT_LIMITED : 0,
    bot: toApiUser(bot),
    team: null,
    interactions_endpoint_url: bot.interactions_endpoint_url,
    redirect_uris: [],
    tags: [],
    approximate_guild_count: ctx.core.state.world.guildsOf(bot.id).length,
    approximate_user_install_count: 0,
    integration_types_config: { '0': {} },
    is_monetized: false,
  };
}

export const currentApplicationRoutes: ApiRoute[] = ['/applications/@me', '/oauth2/applications/@me'].map((path) => ({
  method: 'GET',
  path,
  bucket: 'applications-me',
  auth: 'bot',
  major: majorNone,
  handle: (ctx) => ({ status: 200, body: currentApplication(ctx) }),
}));
