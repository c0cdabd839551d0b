import { Intent } from '../../discord/types.js';
import { majorParam, type ApiRoute, type RouteContext } from '../context.js';
import { notifyGateway } from '../resources/notify-gateway.js';
import { toApiChannel, toApiMember, toApiThread } from '../store/serialize.js';
import type { WorldChannel } from '../store/world.js';
import { requireChannel } from './access.js';
import { requirePostable } from './messages.js';

/**
 * Get Channel (https://discord.com/developers/docs/resources/channel#get-channel) — a
 * channel or thread the bot can see — and Trigger Typing Indicator
 * (https://discord.com/developers/docs/resources/channel#trigger-typing-indicator), which
 * needs what sending does and dispatches TYPING_START to sessions with GUILD_MESSAGE_TYPING.
 */
export function viewChannel(ctx: RouteContext, channel: WorldChannel): Record<string, unknown> {
  const { state } = ctx.core;
  const last = state.messages.lastId(channel.id);
  const thread = state.threads.get(channel.id);
  if (thread) return toApiThread(thread, state.messages.count(thread.id), last, ctx.bot?.id ?? null);
  return toApiChannel(channel, last);
}

export const channelRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/channels/:channel_id',
    bucket: 'channel',
    auth: 'bot',
    major: majorParam('channel_id'),
    handle: (ctx) => ({ status: 200, body: viewChannel(ctx, requireChannel(ctx.core, ctx.bot!.id, ctx.params.channel_id!)) }),
  },
  {
    method: 'POST',
    path: '/channels/:channel_id/typing',
    bucket: 'typing',
    auth: 'bot',
    major: majorParam('channel_id'),
    handle: (ctx) => {
      const bot = ctx.bot!;
      const channel = requireChannel(ctx.core, bot.id, ctx.params.channel_id!);
      requirePostable(ctx, channel);
      const member = ctx.core.state.world.guilds.get(channel.guild_id)?.members.get(bot.id);
      const payload = {
        channel_id: channel.id,
        guild_id: channel.guild_id,
        user_id: bot.id,
        timestamp: Math.floor(Date.now() / 1000),
        ...(member ? { member: toApiMember(member, bot, true) } : {}),
      };
      notifyGateway(() => ctx.core.hub().dispatchGuildEvent('TYPING_START', channel.guild_id, Intent.GUILD_MESSAGE_TYPING, () => payload));
      return { status: 204 };
    },
  },
];
