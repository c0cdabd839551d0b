/**
 * Reactions per message, with who reacted, so each viewer's `me` can be computed
 * (https://discord.com/developers/docs/resources/message#reaction-object).
 */
export interface ReactionEmoji {
  /** null for a unicode emoji. */
  id: string | null;
  name: string;
  animated?: boolean;
}

export interface StoredReaction {
  emoji: ReactionEmoji;
  /** In the order they reacted; never empty. */
  user_ids: string[];
}

export interface MessageReactions {
  channel_id: string;
  message_id: string;
  reactions: StoredReaction[];
}

export class ReactionStore {
  private readonly byMessage = new Map<string, MessageReactions>();

  get(messageId: string): StoredReaction[] {
    return this.byMessage.get(messageId)?.reactions ?? [];
  }

  /** Sets a message's reactions; an empty list removes the entry. */
  put(entry: MessageReactions): void {
    if (entry.reactions.length === 0) this.byMessage.delete(entry.message_id);
    else this.byMessage.set(entry.message_id, entry);
  }

  deleteMessage(messageId: string): void {
    this.byMessage.delete(messageId);
  }

  all(): MessageReactions[] {
    return [...this.byMessage.values()];
  }

  clear(): void {
    this.byMessage.clear();
  }
}
