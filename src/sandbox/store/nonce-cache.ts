/**
 * Nonces of recent messages, for `enforce_nonce`
 * (https://discord.com/developers/docs/resources/message#create-message): "If another message
 * was created by the same author with the same nonce, that message will be returned and no
 * new message will be created" — within a few minutes. In memory only.
 */
const NONCE_WINDOW_MS = 5 * 60_000;
const MAX_NONCES = 10_000;

interface Remembered {
  channelId: string;
  messageId: string;
  at: number;
}

export class NonceCache {
  private readonly byKey = new Map<string, Remembered>();

  constructor(private readonly now: () => number = Date.now) {}

  remember(authorId: string, nonce: string | number, channelId: string, messageId: string): void {
    if (this.byKey.size >= MAX_NONCES) this.prune();
    this.byKey.set(`${authorId}:${typeof nonce}:${nonce}`, { channelId, messageId, at: this.now() });
  }

  find(authorId: string, nonce: string | number): Remembered | undefined {
    const found = this.byKey.get(`${authorId}:${typeof nonce}:${nonce}`);
    return found && this.now() - found.at <= NONCE_WINDOW_MS ? found : undefined;
  }

  clear(): void {
    this.byKey.clear();
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.byKey) if (now - entry.at > NONCE_WINDOW_MS) this.byKey.delete(key);
    // Still full: the oldest go (Map keeps insertion order).
    for (const key of this.byKey.keys()) {
      if (this.byKey.size < MAX_NONCES) break;
      this.byKey.delete(key);
    }
  }
}
