import { majorParam, type ApiRoute, type RouteContext } from '../context.js';
import { cannotUseChannelType, FieldErrors, FormErrors } from '../http/errors.js';
import { checkMessageBody, MessageFlag } from '../resources/message-body.js';
import { createUserMessage, editMessageFlagsBits } from '../resources/messages.js';
import { checkThreadBody, createThread, threadAlreadyCreated, threadTypeFor, type ThreadInput } from '../resources/threads.js';
import { requireObject } from '../resources/validation.js';
import { Perm } from '../store/permissions.js';
import { ChannelType, isForum, isThread } from '../store/channel-types.js';
import type { WorldChannel } from '../store/world.js';
import { findChannelMessage, requireChannel, requireChannelPermission } from './access.js';
import { viewChannel } from './channels.js';

/**
 * Start Thread from Message, Start Thread without Message and Start Thread in Forum or Media
 * Channel (https://discord.com/developers/docs/resources/channel#start-thread-from-message).
 * Public threads need CREATE_PUBLIC_THREADS, private ones CREATE_PRIVATE_THREADS, forum posts
 * SEND_MESSAGES. 201 with the thread (a forum post's also with its first `message`).
 */
async function startThreadWithoutMessage(ctx: RouteContext) {
  const bot = ctx.bot!;
  const parent = requireChannel(ctx.core, bot.id, ctx.params.channel_id!);
  if (isThread(parent.type)) throw cannotUseChannelType();
  const body = await ctx.body();
  const errors = new FormErrors();
  const input = checkThreadBody(body, errors);
  if (isForum(parent.type)) return startForumPost(ctx, parent, body, input, errors);
  errors.throwIfAny();
  const type = threadTypeFor(parent, input.type, false);
  requireChannelPermission(ctx.core, bot.id, parent, type === ChannelType.PRIVATE_THREAD ? Perm.CREATE_PRIVATE_THREADS : Perm.CREATE_PUBLIC_THREADS);
  const thread = createThread(ctx.core, parent, { id: ctx.core.state.snowflakes.next(), type, ownerId: bot.id, input });
  return { status: 201, body: viewChannel(ctx, ctx.core.state.channel(thread.id)!) };
}

/** A forum or media post: a public thread whose first message (same id) comes from `message`. */
async function startForumPost(
  ctx: RouteContext,
  forum: WorldChannel,
  body: unknown,
  input: ThreadInput,
  errors: FormErrors,
) {
  const bot = ctx.bot!;
  const raw = requireObject(body).message;
  if (raw === undefined || raw === null) errors.add(['message'], FieldErrors.required());
  errors.throwIfAny();
  requireChannelPermission(ctx.core, bot.id, forum, Perm.SEND_MESSAGES);
  const message = checkMessageBody(raw, { webhook: false, files: await ctx.files(), at: ['message'] });
  const id = ctx.core.state.snowflakes.next();
  createThread(ctx.core, forum, { id, type: ChannelType.PUBLIC_THREAD, ownerId: bot.id, input });
  const thread = ctx.core.state.channel(id)!;
  const first = createUserMessage(ctx.core, thread, bot.id, { ...message, reply: undefined }, { id });
  return { status: 201, body: { ...viewChannel(ctx, thread), message: first } };
}

async function startThreadFromMessage(ctx: RouteContext) {
  const bot = ctx.bot!;
  const parent = requireChannel(ctx.core, bot.id, ctx.params.channel_id!);
  const message = findChannelMessage(ctx.core, parent, ctx.params.message_id!);
  const errors = new FormErrors();
  const input = checkThreadBody(await ctx.body(), errors);
  errors.throwIfAny();
  const type = threadTypeFor(parent, undefined, true);
  requireChannelPermission(ctx.core, bot.id, parent, Perm.CREATE_PUBLIC_THREADS);
  if (ctx.core.state.threads.get(message.id)) throw threadAlreadyCreated();
  createThread(ctx.core, parent, { id: message.id, type, ownerId: bot.id, input });
  const thread = ctx.core.state.channel(message.id)!;
  // The message now carries the thread (HAS_THREAD), dispatched as MESSAGE_UPDATE.
  editMessageFlagsBits(ctx.core, message, MessageFlag.HAS_THREAD);
  return { status: 201, body: viewChannel(ctx, thread) };
}

export const threadRoutes: ApiRoute[] = [
  {
    method: 'POST',
    path: '/channels/:channel_id/threads',
    bucket: 'threads',
    auth: 'bot',
    major: majorParam('channel_id'),
    handle: startThreadWithoutMessage,
  },
  {
    method: 'POST',
    path: '/channels/:channel_id/messages/:message_id/threads',
    bucket: 'threads',
    auth: 'bot',
    major: majorParam('channel_id'),
    handle: startThreadFromMessage,
  },
];
