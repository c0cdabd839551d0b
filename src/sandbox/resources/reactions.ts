import { Intent } from '../../discord/types.js';
import type { SandboxCore } from '../context.js';
import { maxReactions, unknownEmoji } from '../http/errors.js';
import type { ReactionEmoji, StoredReaction } from '../store/reaction-store.js';
import { toApiMember, toApiUser } from '../store/serialize.js';
import type { SandboxMessage } from './messages.js';
import { notifyGateway } from './notify-gateway.js';

/**
 * Reactions (https://discord.com/developers/docs/resources/message#create-reaction): a user
 * reacts at most once per emoji; a message holds at most 20 different emojis (30010); adding
 * and removing dispatch MESSAGE_REACTION_ADD / _REMOVE to sessions with GUILD_MESSAGE_REACTIONS.
 * The sandbox has no custom emojis, so only unicode emojis exist: `name:id` is 10014.
 */
const MAX_REACTIONS_PER_MESSAGE = 20;

const EMOJI_PART = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|\p{Emoji_Component}|\u200d|\ufe0f|\u20e3)+$/u;
const EMOJI_CORE = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

/** The `{emoji}` path segment (already URL-decoded): a unicode emoji, else 10014 Unknown Emoji. */
export function parseEmoji(segment: string): ReactionEmoji {
  if (EMOJI_PART.test(segment) && EMOJI_CORE.test(segment) && [...segment].length <= 16) return { id: null, name: segment };
  throw unknownEmoji();
}

const sameEmoji = (a: ReactionEmoji, b: ReactionEmoji) => (a.id !== null ? a.id === b.id : b.id === null && a.name === b.name);

/** Discord's reaction objects for a viewer (`me` = the viewer reacted). */
export function reactionsFor(core: SandboxCore, messageId: string, viewerId: string): Array<Record<string, unknown>> {
  return core.state.reactions.get(messageId).map((reaction) => ({
    count: reaction.user_ids.length,
    count_details: { burst: 0, normal: reaction.user_ids.length },
    me: reaction.user_ids.includes(viewerId),
    me_burst: false,
    emoji: { ...reaction.emoji },
    burst_colors: [],
  }));
}

/** Whether adding this emoji would start a new reaction (which needs ADD_REACTIONS). */
export function isNewReaction(core: SandboxCore, message: SandboxMessage, emoji: ReactionEmoji): boolean {
  return !core.state.reactions.get(message.id).some((reaction) => sameEmoji(reaction.emoji, emoji));
}

export function addReaction(core: SandboxCore, message: SandboxMessage, userId: string, emoji: ReactionEmoji): void {
  const current = core.state.reactions.get(message.id);
  const existing = current.find((reaction) => sameEmoji(reaction.emoji, emoji));
  if (existing?.user_ids.includes(userId)) return;
  if (!existing && current.length >= MAX_REACTIONS_PER_MESSAGE) throw maxReactions();
  const next: StoredReaction[] = existing
    ? current.map((reaction) => (reaction === existing ? { ...reaction, user_ids: [...reaction.user_ids, userId] } : reaction))
    : [...current, { emoji, user_ids: [userId] }];
  core.state.putReactions({ channel_id: message.channel_id, message_id: message.id, reactions: next });
  const guild = core.state.world.guilds.get(message.guild_id);
  const member = guild?.members.get(userId);
  const user = core.state.world.users.get(userId);
  dispatch(core, 'MESSAGE_REACTION_ADD', message, {
    user_id: userId,
    channel_id: message.channel_id,
    message_id: message.id,
    guild_id: message.guild_id,
    ...(member && user ? { member: toApiMember(member, user, true) } : user ? { member: { user: toApiUser(user) } } : {}),
    emoji,
    message_author_id: message.author.id,
    burst: false,
    burst_colors: [],
    type: 0,
  });
}

export function removeReaction(core: SandboxCore, message: SandboxMessage, userId: string, emoji: ReactionEmoji): void {
  const current = core.state.reactions.get(message.id);
  const existing = current.find((reaction) => sameEmoji(reaction.emoji, emoji));
  if (!existing?.user_ids.includes(userId)) return;
  const next = current
    .map((reaction) => (reaction === existing ? { ...reaction, user_ids: reaction.user_ids.filter((id) => id !== userId) } : reaction))
    .filter((reaction) => reaction.user_ids.length > 0);
  core.state.putReactions({ channel_id: message.channel_id, message_id: message.id, reactions: next });
  dispatch(core, 'MESSAGE_REACTION_REMOVE', message, {
    user_id: userId,
    channel_id: message.channel_id,
    message_id: message.id,
    guild_id: message.guild_id,
    emoji,
    burst: false,
    type: 0,
  });
}

function dispatch(core: SandboxCore, t: string, message: SandboxMessage, payload: Record<string, unknown>): void {
  notifyGateway(() => core.hub().dispatchGuildEvent(t, message.guild_id, Intent.GUILD_MESSAGE_REACTIONS, () => payload));
}
