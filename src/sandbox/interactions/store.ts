import { randomBytes } from 'node:crypto';
import type { SandboxMessage } from '../resources/messages.js';

/**
 * Interactions the sandbox has sent (POST /__sandbox/interactions), and the rules of their
 * tokens (https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction):
 * the initial response must come within 3 s, or the token is invalidated (10062 Unknown
 * interaction); an interaction is acknowledged once (40060); the token then works for
 * follow-ups and `@original` for 15 minutes.
 */
export const ACK_WINDOW_MS = 3_000;
const TOKEN_TTL_MS = 15 * 60_000;
/** Oldest interactions are forgotten past this many (memory bound). */
const MAX_INTERACTIONS = 10_000;

/** Callback types the sandbox accepts for an APPLICATION_COMMAND. */
export const CallbackType = {
  PONG: 1,
  CHANNEL_MESSAGE_WITH_SOURCE: 4,
  DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: 5,
} as const;

export interface StoredInteraction {
  id: string;
  token: string;
  application_id: string;
  /** 1 PING, 2 APPLICATION_COMMAND. */
  type: number;
  guild_id: string | null;
  channel_id: string | null;
  user_id: string | null;
  command: { id: string; name: string } | null;
  created_at: number;
  /** The initial response's callback type, once acknowledged. */
  response: number | null;
  ephemeral: boolean;
  original: SandboxMessage | null;
  followups: SandboxMessage[];
  /** The exact request as sent, so a test can replay it byte for byte. */
  sent: { body: string; timestamp: string; signature: string | null; url: string };
  /** Set while the sandbox is still reading the target's inline HTTP response. */
  delivery: Promise<void> | null;
}

export type InteractionInit = Omit<
  StoredInteraction,
  'id' | 'token' | 'created_at' | 'response' | 'ephemeral' | 'original' | 'followups' | 'delivery' | 'sent'
>;

export class InteractionStore {
  private readonly byId = new Map<string, StoredInteraction>();
  private readonly byToken = new Map<string, StoredInteraction>();

  constructor(private readonly now: () => number = Date.now) {}

  create(id: string, init: InteractionInit): StoredInteraction {
    this.prune();
    const record: StoredInteraction = {
      ...init,
      id,
      token: interactionToken(id),
      created_at: this.now(),
      response: null,
      ephemeral: false,
      original: null,
      followups: [],
      sent: { body: '', timestamp: '', signature: null, url: '' },
      delivery: null,
    };
    this.byId.set(id, record);
    this.byToken.set(record.token, record);
    return record;
  }

  get(id: string): StoredInteraction | undefined {
    return this.byId.get(id);
  }

  byTokenValue(token: string): StoredInteraction | undefined {
    return this.byToken.get(token);
  }

  /** Past the 3 s window without an initial response: the token is invalid for good. */
  ackExpired(record: StoredInteraction): boolean {
    return record.response === null && this.now() - record.created_at > ACK_WINDOW_MS;
  }

  /** Past 15 minutes: follow-ups and edits are refused. */
  tokenExpired(record: StoredInteraction): boolean {
    return this.now() - record.created_at > TOKEN_TTL_MS;
  }

  clear(): void {
    this.byId.clear();
    this.byToken.clear();
  }

  private prune(): void {
    const now = this.now();
    for (const record of this.byId.values()) {
      const expired = now - record.created_at > TOKEN_TTL_MS;
      if (!expired && this.byId.size < MAX_INTERACTIONS) break;
      this.byId.delete(record.id);
      this.byToken.delete(record.token);
    }
  }
}

/** Like Discord's: base64url of `interaction:ID:random`, long and unguessable. */
function interactionToken(id: string): string {
  return Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
}
