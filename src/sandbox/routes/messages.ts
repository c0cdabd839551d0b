import { majorParam, type ApiRoute, type RouteContext } from '../context.js';
import {
  cannotEditOthersMessage,
  cannotSendInForum,
  FormErrors,
  missingPermissions,
  nonTextChannel,
} from '../http/errors.js';
import { queryLimit, querySnowflake } from '../http/query.js';
import { checkMessageBody, checkMessageEdit } from '../resources/message-body.js';
import { createUserMessage, deleteMessage, editMessage, viewMessage, type SandboxMessage } from '../resources/messages.js';
import { Perm } from '../store/permissions.js';
import { isCategory, isForum, isThread } from '../store/channel-types.js';
import type { WorldChannel } from '../store/world.js';
import { findChannelMessage, hasChannelPermission, requireChannel, requireChannelPermission } from './access.js';

/**
 * Channel messages (https://discord.com/developers/docs/resources/message): list, create, and
 * get / edit / delete one. Reading needs VIEW_CHANNEL and READ_MESSAGE_HISTORY (the list is
 * empty without the latter); sending needs SEND_MESSAGES (SEND_MESSAGES_IN_THREADS in a
 * thread); only the author edits content, others may change flags with MANAGE_MESSAGES; the
 * author or MANAGE_MESSAGES deletes.
 */
const PATH = '/channels/:channel_id/messages';
const ONE = `${PATH}/:message_id`;
const major = majorParam('channel_id');

/** The bot's channel (10003, 50001) and the message in it (10008). */
function requireMessage(ctx: RouteContext): { channel: WorldChannel; message: SandboxMessage } {
  const channel = requireChannel(ctx.core, ctx.bot!.id, ctx.params.channel_id!);
  return { channel, message: findChannelMessage(ctx.core, channel, ctx.params.message_id!) };
}

/** A channel one can post in: not a category (50008), not a forum or media channel (40058: posts are threads). */
export function requirePostable(ctx: RouteContext, channel: WorldChannel): void {
  if (isCategory(channel.type)) throw nonTextChannel();
  if (isForum(channel.type)) throw cannotSendInForum();
  requireChannelPermission(ctx.core, ctx.bot!.id, channel, isThread(channel.type) ? Perm.SEND_MESSAGES_IN_THREADS : Perm.SEND_MESSAGES);
}

function listQuery(query: URLSearchParams): { limit: number; before?: string; after?: string } {
  const errors = new FormErrors();
  const limit = queryLimit(query, errors, 100, 50);
  const before = querySnowflake(query, 'before', errors);
  const after = querySnowflake(query, 'after', errors);
  errors.throwIfAny();
  return { limit, ...(before !== null ? { before } : {}), ...(after !== null ? { after } : {}) };
}

/** Whether a PATCH body touches more than `flags` (which only the author may). */
function editsContent(body: unknown, files: number): boolean {
  if (files > 0) return true;
  return typeof body === 'object' && body !== null && Object.keys(body).some((key) => key !== 'flags');
}

export const messageRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: PATH,
    bucket: 'channel-messages-read',
    auth: 'bot',
    major,
    handle: (ctx) => {
      const bot = ctx.bot!;
      const channel = requireChannel(ctx.core, bot.id, ctx.params.channel_id!);
      const query = listQuery(ctx.request.query);
      // "If the current user is missing the READ_MESSAGE_HISTORY permission in the channel, then no messages will be returned."
      if (!hasChannelPermission(ctx.core, bot.id, channel, Perm.READ_MESSAGE_HISTORY)) return { status: 200, body: [] };
      const messages = ctx.core.state.messages.list(channel.id, query).map((message) => viewMessage(ctx.core, message, bot.id));
      return { status: 200, body: messages };
    },
  },
  {
    method: 'POST',
    path: PATH,
    bucket: 'channel-messages-create',
    auth: 'bot',
    major,
    handle: async (ctx) => {
      const bot = ctx.bot!;
      const channel = requireChannel(ctx.core, bot.id, ctx.params.channel_id!);
      requirePostable(ctx, channel);
      const input = checkMessageBody(await ctx.body(), { webhook: false, files: await ctx.files() });
      return { status: 200, body: createUserMessage(ctx.core, channel, bot.id, input) };
    },
  },
  {
    method: 'GET',
    path: ONE,
    bucket: 'channel-message',
    auth: 'bot',
    major,
    handle: (ctx) => {
      const bot = ctx.bot!;
      const channel = requireChannel(ctx.core, bot.id, ctx.params.channel_id!);
      requireChannelPermission(ctx.core, bot.id, channel, Perm.READ_MESSAGE_HISTORY);
      const message = findChannelMessage(ctx.core, channel, ctx.params.message_id!);
      return { status: 200, body: viewMessage(ctx.core, message, bot.id) };
    },
  },
  {
    method: 'PATCH',
    path: ONE,
    bucket: 'channel-message',
    auth: 'bot',
    major,
    handle: async (ctx) => {
      const bot = ctx.bot!;
      const { channel, message } = requireMessage(ctx);
      const body = await ctx.body();
      const files = await ctx.files();
      const edit = checkMessageEdit(body, files);
      let updated: SandboxMessage;
      if (message.author.id === bot.id && !message.webhook_id) {
        updated = editMessage(ctx.core, message, edit);
      } else {
        if (editsContent(body, files.length)) throw cannotEditOthersMessage();
        requireChannelPermission(ctx.core, bot.id, channel, Perm.MANAGE_MESSAGES);
        // Flags only: SUPPRESS_EMBEDS is all another user's message may have changed.
        updated = edit.suppressEmbeds === undefined ? message : editMessage(ctx.core, message, { suppressEmbeds: edit.suppressEmbeds, files: [] });
      }
      return { status: 200, body: viewMessage(ctx.core, updated, bot.id) };
    },
  },
  {
    method: 'DELETE',
    path: ONE,
    bucket: 'channel-message',
    auth: 'bot',
    major,
    handle: (ctx) => {
      const bot = ctx.bot!;
      const { channel, message } = requireMessage(ctx);
      const own = message.author.id === bot.id && !message.webhook_id;
      if (!own && !hasChannelPermission(ctx.core, bot.id, channel, Perm.MANAGE_MESSAGES)) throw missingPermissions();
      deleteMessage(ctx.core, message);
      return { status: 204 };
    },
  },
];
