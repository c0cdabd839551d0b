import type { APIMessage } from '../../discord/types.js';
import { compareSnowflakes } from './snowflake.js';

/** Messages kept per channel; the oldest are dropped past this many (memory and state-file bound). */
const MAX_MESSAGES_PER_CHANNEL = 5000;

export interface ListMessagesOptions {
  limit: number;
  before?: string;
  after?: string;
}

/** Messages per channel in creation order (ids are increasing snowflakes). */
export class MessageStore {
  private readonly byChannel = new Map<string, APIMessage[]>();

  /** Adds a message, or replaces the stored one with its id (an edit). */
  put(message: APIMessage): void {
    if (this.replace(message)) return;
    let list = this.byChannel.get(message.channel_id);
    if (!list) {
      list = [];
      this.byChannel.set(message.channel_id, list);
    }
    list.push(message);
    if (list.length > MAX_MESSAGES_PER_CHANNEL) list.splice(0, list.length - MAX_MESSAGES_PER_CHANNEL);
  }

  /** How many messages a channel (or thread) holds. */
  count(channelId: string): number {
    return this.byChannel.get(channelId)?.length ?? 0;
  }

  /** The newest message's id (a channel's `last_message_id`), or null when it holds none. */
  lastId(channelId: string): string | null {
    return this.byChannel.get(channelId)?.at(-1)?.id ?? null;
  }

  find(channelId: string, messageId: string): APIMessage | undefined {
    return this.byChannel.get(channelId)?.find((message) => message.id === messageId);
  }

  private replace(message: APIMessage): boolean {
    const list = this.byChannel.get(message.channel_id);
    const index = list?.findIndex((stored) => stored.id === message.id) ?? -1;
    if (!list || index < 0) return false;
    list[index] = message;
    return true;
  }

  /** Removes a message; false when it was not stored. */
  remove(channelId: string, messageId: string): boolean {
    const list = this.byChannel.get(channelId);
    const index = list?.findIndex((stored) => stored.id === messageId) ?? -1;
    if (!list || index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  /** Oldest first: the admin API's view. */
  chronological(channelId: string): APIMessage[] {
    return [...(this.byChannel.get(channelId) ?? [])];
  }

  /**
   * Discord's GET /channels/{id}/messages: newest first, `limit` messages, optionally only
   * those before or after a message id (https://discord.com/developers/docs/resources/message#get-channel-messages).
   */
  list(channelId: string, options: ListMessagesOptions): APIMessage[] {
    const all = this.byChannel.get(channelId) ?? [];
    if (options.after !== undefined) {
      const after = options.after;
      // `after` returns the messages right after the id, still newest first.
      const newer = all.filter((message) => compareSnowflakes(message.id, after) > 0);
      return newer.slice(0, options.limit).reverse();
    }
    const before = options.before;
    const older = before === undefined ? all : all.filter((message) => compareSnowflakes(message.id, before) < 0);
    return older.slice(-options.limit).reverse();
  }

  entries(): Array<[string, APIMessage[]]> {
    return [...this.byChannel.entries()];
  }

  clear(): void {
    this.byChannel.clear();
  }
}
