import type { ThreadType } from './channel-types.js';

/**
 * Threads created while the sandbox runs (https://discord.com/developers/docs/topics/threads):
 * public (11) and private (12) threads of text channels, announcement threads (10), and the
 * posts of forum and media channels (public threads). The seed has none.
 */
export interface StoredThread {
  id: string;
  guild_id: string;
  /** The text, announcement, forum or media channel it belongs to. */
  parent_id: string;
  type: ThreadType;
  name: string;
  /** Who started it: a user, a bot, or the webhook that created a forum post. */
  owner_id: string;
  created_at: string;
  archived: boolean;
  locked: boolean;
  /** Private threads only. */
  invitable?: boolean;
  auto_archive_duration: 60 | 1440 | 4320 | 10080;
  archive_timestamp: string;
  rate_limit_per_user: number;
  /** Users who joined (the creator joins at once). */
  member_ids: string[];
  /** Messages ever sent in it; unlike `message_count`, deletes do not lower it. */
  total_message_sent: number;
  applied_tags: string[];
}

export class ThreadStore {
  private readonly byId = new Map<string, StoredThread>();

  get(id: string): StoredThread | undefined {
    return this.byId.get(id);
  }

  put(thread: StoredThread): void {
    this.byId.set(thread.id, thread);
  }

  all(): StoredThread[] {
    return [...this.byId.values()];
  }

  clear(): void {
    this.byId.clear();
  }
}
