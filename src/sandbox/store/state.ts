import { createHash } from 'node:crypto';
import type { APIMessage } from '../../discord/types.js';
import { assertNever } from '../../errors.js';
import { ApplicationCommandStore, type StoredCommand } from '../interactions/application-commands.js';
import { InteractionStore } from '../interactions/store.js';
import type { AuditLogEntry } from './audit-log.js';
import { MessageStore } from './message-store.js';
import { NonceCache } from './nonce-cache.js';
import { ReactionStore, type MessageReactions } from './reaction-store.js';
import type { SandboxSeed, SeedWebhook } from './seed-types.js';
import { SnowflakeGenerator } from './snowflake.js';
import type { StateOp } from './state-ops.js';
import { hasPermission, Perm } from './permissions.js';
import { ChannelType } from './channel-types.js';
import { ThreadStore, type StoredThread } from './thread-store.js';
import { WebhookStore, type StoredWebhook } from './webhook-store.js';
import { World, type WorldChannel } from './world.js';

const STATE_FORMAT = 'cordform-sandbox-state';
const STATE_VERSION = 1;
/** Oldest audit-log entries are dropped past this many. */
const MAX_AUDIT_LOG_ENTRIES = 10_000;

/** What `--state FILE` holds (schema/sandbox-state.schema.json): the seed plus everything written since. */
export interface PersistedState {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  seed: SandboxSeed;
  /** The last journal entry this snapshot contains (entries up to it are skipped on replay). */
  journal_seq?: number;
  webhooks: StoredWebhook[];
  messages: Record<string, APIMessage[]>;
  audit_log: AuditLogEntry[];
  /** Guild application commands (absent in files written before they existed). */
  commands?: StoredCommand[];
  threads?: StoredThread[];
  reactions?: MessageReactions[];
}

/**
 * All sandbox data: the fixed world from the seed, and the webhooks, messages, reactions,
 * threads, application commands and audit log that change. Every change is a StateOp given
 * to `apply`, which changes the data and hands the op to `onOp` (the journal of `--state`).
 */
export class SandboxState {
  readonly world: World;
  readonly webhooks = new WebhookStore();
  readonly messages = new MessageStore();
  readonly reactions = new ReactionStore();
  readonly threads = new ThreadStore();
  readonly snowflakes = new SnowflakeGenerator();
  readonly commands = new ApplicationCommandStore(this.snowflakes, (application_id, guild_id, commands) =>
    this.apply({ op: 'commands.put', application_id, guild_id, commands }),
  );
  /** Interactions live 15 minutes (their tokens' lifetime) and are not persisted. */
  readonly interactions = new InteractionStore();
  /** Recent message nonces (`enforce_nonce`); not persisted. */
  readonly nonces = new NonceCache();
  private auditLog: AuditLogEntry[] = [];
  onOp: (op: StateOp) => void = () => {};

  constructor(
    readonly seed: SandboxSeed,
    restored?: { snapshot: PersistedState; journal: readonly StateOp[] },
  ) {
    this.world = new World(seed);
    if (restored) {
      this.restore(restored.snapshot);
      for (const op of restored.journal) this.change(op);
    } else {
      this.loadSeedWebhooks();
    }
  }

  /** Changes the data and reports the change (the one way anything here changes). */
  apply(op: StateOp): void {
    this.change(op);
    this.onOp(op);
  }

  /** Back to the seed: webhooks from the seed only; no messages, threads, commands or audit log. */
  reset(): void {
    this.apply({ op: 'reset' });
  }

  putWebhook(webhook: StoredWebhook): void {
    this.apply({ op: 'webhook.put', webhook });
  }

  deleteWebhook(id: string): void {
    this.apply({ op: 'webhook.delete', id });
  }

  /** A new message or an edited one. */
  putMessage(message: APIMessage): void {
    this.apply({ op: 'message.put', message });
  }

  removeMessage(channelId: string, messageId: string): void {
    this.apply({ op: 'message.delete', channel_id: channelId, id: messageId });
  }

  putReactions(reactions: MessageReactions): void {
    this.apply({ op: 'reactions.put', reactions });
  }

  putThread(thread: StoredThread): void {
    this.apply({ op: 'thread.put', thread });
  }

  addAuditEntry(entry: Omit<AuditLogEntry, 'id' | 'time'>): AuditLogEntry {
    const full: AuditLogEntry = { id: this.snowflakes.next(), time: new Date().toISOString(), ...entry };
    this.apply({ op: 'audit.add', entry: full });
    return full;
  }

  /** A seeded channel or a thread (as a channel whose `parent_id` is its text or forum channel). */
  channel(id: string): WorldChannel | undefined {
    const seeded = this.world.channels.get(id);
    if (seeded) return seeded;
    const thread = this.threads.get(id);
    if (!thread) return undefined;
    const parent = this.world.channels.get(thread.parent_id);
    return {
      id: thread.id,
      guild_id: thread.guild_id,
      name: thread.name,
      type: thread.type,
      nsfw: parent?.nsfw ?? false,
      position: 0,
      parent_id: thread.parent_id,
      topic: null,
      permission_overwrites: [],
    };
  }

  /**
   * A member's permissions in a channel (null for non-members). A thread has its parent's
   * (https://discord.com/developers/docs/topics/threads#permissions); a private thread is
   * visible only to its members and to MANAGE_THREADS.
   */
  channelPermissions(userId: string, channel: WorldChannel): bigint | null {
    const thread = this.threads.get(channel.id);
    if (!thread) return this.world.channelPermissions(userId, channel);
    const parent = this.world.channels.get(thread.parent_id);
    const permissions = parent ? this.world.channelPermissions(userId, parent) : null;
    if (permissions === null || thread.type !== ChannelType.PRIVATE_THREAD) return permissions;
    const canSee = thread.member_ids.includes(userId) || hasPermission(permissions, Perm.MANAGE_THREADS);
    return canSee ? permissions : permissions & ~Perm.VIEW_CHANNEL;
  }

  /** Whether the user has `bit` in the channel (never, when not a member of its guild). */
  can(userId: string, channel: WorldChannel, bit: bigint): boolean {
    return hasPermission(this.channelPermissions(userId, channel) ?? 0n, bit);
  }

  audit(): AuditLogEntry[] {
    return [...this.auditLog];
  }

  snapshot(): PersistedState {
    return {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      seed: this.seed,
      webhooks: this.webhooks.all(),
      messages: Object.fromEntries(this.messages.entries()),
      audit_log: this.auditLog,
      commands: this.commands.all(),
      threads: this.threads.all(),
      reactions: this.reactions.all(),
    };
  }

  private change(op: StateOp): void {
    switch (op.op) {
      case 'webhook.put':
        this.snowflakes.observe(op.webhook.id);
        this.webhooks.put(op.webhook);
        return;
      case 'webhook.delete':
        this.webhooks.delete(op.id);
        return;
      case 'message.put':
        this.snowflakes.observe(op.message.id);
        this.messages.put(op.message);
        return;
      case 'message.delete':
        this.messages.remove(op.channel_id, op.id);
        this.reactions.deleteMessage(op.id);
        return;
      case 'reactions.put':
        this.reactions.put(op.reactions);
        return;
      case 'thread.put':
        this.snowflakes.observe(op.thread.id);
        this.threads.put(op.thread);
        return;
      case 'audit.add':
        this.addAudit(op.entry);
        return;
      case 'commands.put':
        this.commands.set(op.application_id, op.guild_id, op.commands);
        return;
      case 'reset':
        this.clear();
        return;
      default:
        assertNever(op, 'state op');
    }
  }

  private addAudit(entry: AuditLogEntry): void {
    this.snowflakes.observe(entry.id);
    this.auditLog.push(entry);
    if (this.auditLog.length > MAX_AUDIT_LOG_ENTRIES) this.auditLog.splice(0, this.auditLog.length - MAX_AUDIT_LOG_ENTRIES);
  }

  private clear(): void {
    this.webhooks.clear();
    this.messages.clear();
    this.reactions.clear();
    this.threads.clear();
    this.commands.clear();
    this.interactions.clear();
    this.nonces.clear();
    this.auditLog = [];
    this.world.restoreBotTokens();
    this.loadSeedWebhooks();
  }

  private restore(state: PersistedState): void {
    for (const webhook of state.webhooks) this.change({ op: 'webhook.put', webhook: { ...webhook } });
    for (const list of Object.values(state.messages)) for (const message of list) this.change({ op: 'message.put', message });
    for (const thread of state.threads ?? []) this.change({ op: 'thread.put', thread });
    for (const reactions of state.reactions ?? []) this.change({ op: 'reactions.put', reactions });
    this.commands.restore(state.commands ?? []);
    for (const entry of state.audit_log) this.addAudit(entry);
  }

  private loadSeedWebhooks(): void {
    for (const hook of this.seed.webhooks ?? []) this.webhooks.put(this.seedWebhook(hook));
  }

  private seedWebhook(hook: SeedWebhook): StoredWebhook {
    const channel = this.world.channels.get(hook.channel_id);
    const bot = this.world.bots.get(hook.creator_id);
    return {
      id: hook.id,
      type: 1,
      guild_id: channel?.guild_id ?? '',
      channel_id: hook.channel_id,
      name: hook.name,
      avatar: hook.avatar ?? null,
      token: hook.token ?? seedToken(hook.id),
      application_id: bot ? bot.application_id : null,
      creator_id: hook.creator_id,
    };
  }
}

/** A stable token for a seed webhook that declares none (same across resets and restarts). */
function seedToken(id: string): string {
  return createHash('sha512').update(`cordform-sandbox-webhook:${id}`).digest('base64url').slice(0, 68);
}
