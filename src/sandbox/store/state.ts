import { createHash } from 'node:crypto';
import type { APIMessage } from '../../discord/types.js';
import { ApplicationCommandStore, type StoredCommand } from '../interactions/application-commands.js';
import type { AuditLogEntry } from './audit-log.js';
import { InteractionStore } from '../interactions/store.js';
import { MessageStore } from './message-store.js';
import type { SandboxSeed, SeedWebhook } from './seed-types.js';
import { SnowflakeGenerator } from './snowflake.js';
import { WebhookStore, type StoredWebhook } from './webhook-store.js';
import { World } from './world.js';

export const STATE_FORMAT = 'cordform-sandbox-state';
export const STATE_VERSION = 1;
/** Oldest audit-log entries are dropped past this many. */
export const MAX_AUDIT_LOG_ENTRIES = 10_000;

/** What `--state FILE` holds: the seed the world came from plus everything written since. */
export interface PersistedState {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  seed: SandboxSeed;
  webhooks: StoredWebhook[];
  messages: Record<string, APIMessage[]>;
  audit_log: AuditLogEntry[];
  /** Guild application commands (absent in files written before they existed). */
  commands?: StoredCommand[];
}

/**
 * All sandbox data: the fixed world from the seed, and the webhooks, messages, application
 * commands and audit log that change. Every mutation goes through here and calls `onChange` (persistence).
 */
export class SandboxState {
  readonly world: World;
  readonly webhooks = new WebhookStore();
  readonly messages = new MessageStore();
  readonly snowflakes = new SnowflakeGenerator();
  readonly commands = new ApplicationCommandStore(this.snowflakes, () => this.changed());
  /** Interactions live 15 minutes (their tokens' lifetime) and are not persisted. */
  readonly interactions = new InteractionStore();
  private auditLog: AuditLogEntry[] = [];
  onChange: () => void = () => {};

  constructor(
    readonly seed: SandboxSeed,
    restored?: PersistedState,
  ) {
    this.world = new World(seed);
    if (restored) this.restore(restored);
    else this.loadSeedWebhooks();
  }

  /** Back to the seed: webhooks from the seed only, no messages, empty audit log. */
  reset(): void {
    this.webhooks.clear();
    this.messages.clear();
    this.commands.clear();
    this.interactions.clear();
    this.auditLog = [];
    this.world.restoreBotTokens();
    this.loadSeedWebhooks();
    this.changed();
  }

  changed(): void {
    this.onChange();
  }

  addWebhook(webhook: StoredWebhook): void {
    this.webhooks.add(webhook);
    this.changed();
  }

  addMessage(message: APIMessage): void {
    this.messages.add(message);
    this.changed();
  }

  replaceMessage(message: APIMessage): void {
    if (this.messages.replace(message)) this.changed();
  }

  removeMessage(channelId: string, messageId: string): void {
    if (this.messages.remove(channelId, messageId)) this.changed();
  }

  addAuditEntry(entry: Omit<AuditLogEntry, 'id' | 'time'>): AuditLogEntry {
    const full: AuditLogEntry = { id: this.snowflakes.next(), time: new Date().toISOString(), ...entry };
    this.auditLog.push(full);
    if (this.auditLog.length > MAX_AUDIT_LOG_ENTRIES) this.auditLog.splice(0, this.auditLog.length - MAX_AUDIT_LOG_ENTRIES);
    this.changed();
    return full;
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
    };
  }

  private restore(state: PersistedState): void {
    for (const webhook of state.webhooks) {
      this.webhooks.add({ ...webhook });
      this.snowflakes.observe(webhook.id);
    }
    for (const [, list] of Object.entries(state.messages)) {
      for (const message of list) {
        this.messages.add(message);
        this.snowflakes.observe(message.id);
      }
    }
    this.commands.load(state.commands ?? []);
    this.auditLog = [...state.audit_log];
    for (const entry of this.auditLog) this.snowflakes.observe(entry.id);
  }

  private loadSeedWebhooks(): void {
    for (const hook of this.seed.webhooks ?? []) this.webhooks.add(this.seedWebhook(hook));
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
