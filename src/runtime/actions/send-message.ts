import type { CreateMessageBody } from '../../discord/api.js';
import type { CommandDeclaration } from '../../manifest/types.js';
import { QueueFullError } from '../dispatch-queue.js';
import {
  DISCORD_ACTION_DEADLINE_MS,
  deadline,
  errorMessage,
  type ActionContext,
  type ActionResult,
  type CommandEvent,
  type ResolvedAction,
} from './context.js';

/**
 * SEND_MESSAGE_TO_CHANNEL / SEND_EMBED_TO_CHANNEL: a message as the bot
 * (POST /channels/{id}/messages), only in a channel of the command's guild, with mentions
 * suppressed unless the command allows them, content cut to Discord's 2000 characters.
 */
const MAX_CONTENT = 2000;

type ChannelAction = Extract<ResolvedAction, { type: 'SEND_MESSAGE_TO_CHANNEL' | 'SEND_EMBED_TO_CHANNEL' }>;

export async function sendChannelMessage(
  ctx: ActionContext,
  event: CommandEvent,
  action: ChannelAction,
): Promise<ActionResult> {
  if (!(await ctx.directory.hasChannel(event.guild.id, action.channelId))) {
    return { outcome: 'refused', detail: { reason: 'channel is not in the command guild', channel_id: action.channelId } };
  }
  const body: CreateMessageBody = {
    ...(action.type === 'SEND_MESSAGE_TO_CHANNEL'
      ? { content: truncateContent(action.message) }
      : { embeds: [action.embed] }),
    allowed_mentions: allowedMentions(event.command),
  };
  if (body.content === '') return { outcome: 'nothing', detail: { reason: 'empty message' } };
  const { signal, clear } = deadline(ctx, DISCORD_ACTION_DEADLINE_MS);
  try {
    await ctx.queue.run(
      `discord:channel:${action.channelId}`,
      () => ctx.api.createMessage(action.channelId, body, { signal }),
      signal,
    );
    return { outcome: 'ok', detail: { channel_id: action.channelId } };
  } catch (error) {
    if (error instanceof QueueFullError) return { outcome: 'dropped', detail: { channel_id: action.channelId } };
    return { outcome: 'error', detail: { channel_id: action.channelId, error: errorMessage(error) } };
  } finally {
    clear();
  }
}

/**
 * `{parse: []}` by default. A command with `allowMentions` may ping users and roles, never
 * @everyone/@here: message text often carries user input.
 */
export function allowedMentions(command: Pick<CommandDeclaration, 'allowMentions'>): CreateMessageBody['allowed_mentions'] {
  return command.allowMentions ? { parse: ['users', 'roles'] } : { parse: [] };
}

/** Cuts to 2000 UTF-16 units without splitting a surrogate pair. */
export function truncateContent(text: string, max = MAX_CONTENT): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return text.slice(0, end);
}
