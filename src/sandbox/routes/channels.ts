import { majorParam, type ApiRoute } from '../context.js';
import { FieldErrors, FormErrors } from '../http/errors.js';
import { createUserMessage } from '../resources/messages.js';
import { Perm } from '../store/permissions.js';
import { isSnowflake } from '../store/snowflake.js';
import { checkMessageBody } from '../resources/validation.js';
import { requireChannel, requireChannelPermission } from './access.js';

/**
 * Channel messages (https://discord.com/developers/docs/resources/message): the bot reads
 * (VIEW_CHANNEL + READ_MESSAGE_HISTORY) and sends (SEND_MESSAGES).
 */
export const channelRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/channels/:channel_id/messages',
    bucket: 'channel-messages-read',
    auth: 'bot',
    major: majorParam('channel_id'),
    handle: (ctx) => {
      const bot = ctx.bot!;
      const channel = requireChannel(ctx.core, bot.id, ctx.params.channel_id!);
      requireChannelPermission(ctx.core, bot.id, channel, Perm.READ_MESSAGE_HISTORY);
      const query = ctx.request.query;
      const errors = new FormErrors();
      let limit = 50;
      const rawLimit = query.get('limit');
      if (rawLimit !== null) {
        const parsed = Number(rawLimit);
        if (!/^-?\d+$/.test(rawLimit)) errors.add(['limit'], FieldErrors.notInt(rawLimit));
        else if (parsed < 1) errors.add(['limit'], FieldErrors.numberMin(1));
        else if (parsed > 100) errors.add(['limit'], FieldErrors.numberMax(100));
        else limit = parsed;
      }
      const before = query.get('before');
      const after = query.get('after');
      if (before !== null && !isSnowflake(before)) errors.add(['before'], FieldErrors.notSnowflake(before));
      if (after !== null && !isSnowflake(after)) errors.add(['after'], FieldErrors.notSnowflake(after));
      errors.throwIfAny();
      const messages = ctx.core.state.messages.list(channel.id, {
        limit,
        ...(before !== null ? { before } : {}),
        ...(after !== null ? { after } : {}),
      });
      return { status: 200, body: messages };
    },
  },
  {
    method: 'POST',
    path: '/channels/:channel_id/messages',
    bucket: 'channel-messages-create',
    auth: 'bot',
    major: majorParam('channel_id'),
    handle: async (ctx) => {
      const bot = ctx.bot!;
      const channel = requireChannel(ctx.core, bot.id, ctx.params.channel_id!);
      requireChannelPermission(ctx.core, bot.id, channel, Perm.SEND_MESSAGES);
      const input = checkMessageBody(await ctx.body(), { webhook: false, files: await ctx.files() });
      return { status: 200, body: createUserMessage(ctx.core, channel, bot.id, input) };
    },
  },
];
