import { majorParam, type ApiRoute, type RouteContext } from '../context.js';
import { addReaction, isNewReaction, parseEmoji, removeReaction } from '../resources/reactions.js';
import { Perm } from '../store/permissions.js';
import { findChannelMessage, requireChannel, requireChannelPermission } from './access.js';

/**
 * Create Reaction and Delete Own Reaction
 * (https://discord.com/developers/docs/resources/message#create-reaction): 204 either way.
 * Reacting needs READ_MESSAGE_HISTORY, and ADD_REACTIONS when nobody has reacted with that
 * emoji yet. Discord limits these to about one per quarter second per channel.
 */
const PATH = '/channels/:channel_id/messages/:message_id/reactions/:emoji/@me';

function target(ctx: RouteContext) {
  const bot = ctx.bot!;
  const channel = requireChannel(ctx.core, bot.id, ctx.params.channel_id!);
  requireChannelPermission(ctx.core, bot.id, channel, Perm.READ_MESSAGE_HISTORY);
  const message = findChannelMessage(ctx.core, channel, ctx.params.message_id!);
  return { bot, channel, message, emoji: parseEmoji(ctx.params.emoji!) };
}

export const reactionRoutes: ApiRoute[] = [
  {
    method: 'PUT',
    path: PATH,
    bucket: 'reactions',
    auth: 'bot',
    major: majorParam('channel_id'),
    handle: (ctx) => {
      const { bot, channel, message, emoji } = target(ctx);
      if (isNewReaction(ctx.core, message, emoji)) requireChannelPermission(ctx.core, bot.id, channel, Perm.ADD_REACTIONS);
      addReaction(ctx.core, message, bot.id, emoji);
      return { status: 204 };
    },
  },
  {
    method: 'DELETE',
    path: PATH,
    bucket: 'reactions',
    auth: 'bot',
    major: majorParam('channel_id'),
    handle: (ctx) => {
      const { bot, message, emoji } = target(ctx);
      removeReaction(ctx.core, message, bot.id, emoji);
      return { status: 204 };
    },
  },
];
