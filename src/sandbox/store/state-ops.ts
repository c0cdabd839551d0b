import type { APIMessage } from '../../discord/types.js';
import type { StoredCommand } from '../interactions/application-commands.js';
import type { AuditLogEntry } from './audit-log.js';
import type { MessageReactions } from './reaction-store.js';
import type { StoredThread } from './thread-store.js';
import type { StoredWebhook } from './webhook-store.js';

/**
 * Every change to the sandbox's data, as one record. SandboxState applies them (the only way
 * its data changes), `--state FILE` journals them before a write is answered, and a restart
 * replays the journal. Each sets an entity to a value or removes it, so applying the same
 * sequence to the same start always ends in the same state.
 */
export type StateOp =
  | { op: 'webhook.put'; webhook: StoredWebhook }
  | { op: 'webhook.delete'; id: string }
  /** Adds the message, or replaces the stored one with its id. */
  | { op: 'message.put'; message: APIMessage }
  | { op: 'message.delete'; channel_id: string; id: string }
  /** All reactions of one message; an empty list removes them. */
  | { op: 'reactions.put'; reactions: MessageReactions }
  | { op: 'thread.put'; thread: StoredThread }
  | { op: 'audit.add'; entry: AuditLogEntry }
  /** The whole command list of one application in one guild. */
  | { op: 'commands.put'; application_id: string; guild_id: string; commands: StoredCommand[] }
  /** Back to the seed. */
  | { op: 'reset' };

/** A journal line: the op and its sequence number (snapshots record the last one they contain). */
export type JournalEntry = StateOp & { seq: number };
