import { compareSnowflakes } from './snowflake.js';

/** A webhook as the sandbox stores it (serialize.ts turns it into Discord's webhook object). */
export interface StoredWebhook {
  id: string;
  type: 1;
  guild_id: string;
  channel_id: string;
  name: string;
  avatar: string | null;
  token: string;
  application_id: string | null;
  /** The user (bot or human) that created the webhook: Discord's `webhook.user`. */
  creator_id: string;
}

/** Discord's limits (https://discord.com/developers/docs/resources/webhook#create-webhook). */
export const MAX_WEBHOOKS_PER_CHANNEL = 15;
export const MAX_WEBHOOKS_PER_GUILD = 1000;

/**
 * Webhooks indexed by id, channel and guild so listing a guild or channel costs only its
 * own webhooks (a benchmark lists 100 guilds × 100 webhooks).
 */
export class WebhookStore {
  private readonly byId = new Map<string, StoredWebhook>();
  private readonly byChannel = new Map<string, Set<string>>();
  private readonly byGuild = new Map<string, Set<string>>();

  get(id: string): StoredWebhook | undefined {
    return this.byId.get(id);
  }

  all(): StoredWebhook[] {
    return [...this.byId.values()].sort((a, b) => compareSnowflakes(a.id, b.id));
  }

  inChannel(channelId: string): StoredWebhook[] {
    return this.collect(this.byChannel.get(channelId));
  }

  inGuild(guildId: string): StoredWebhook[] {
    return this.collect(this.byGuild.get(guildId));
  }

  countInChannel(channelId: string): number {
    return this.byChannel.get(channelId)?.size ?? 0;
  }

  countInGuild(guildId: string): number {
    return this.byGuild.get(guildId)?.size ?? 0;
  }

  /** Adds a webhook or replaces the one with its id (a changed channel moves it between indexes). */
  put(webhook: StoredWebhook): void {
    const previous = this.byId.get(webhook.id);
    if (previous) this.unindex(previous);
    this.byId.set(webhook.id, webhook);
    index(this.byChannel, webhook.channel_id).add(webhook.id);
    index(this.byGuild, webhook.guild_id).add(webhook.id);
  }

  delete(id: string): StoredWebhook | undefined {
    const webhook = this.byId.get(id);
    if (!webhook) return undefined;
    this.byId.delete(id);
    this.unindex(webhook);
    return webhook;
  }

  private unindex(webhook: StoredWebhook): void {
    this.byChannel.get(webhook.channel_id)?.delete(webhook.id);
    this.byGuild.get(webhook.guild_id)?.delete(webhook.id);
  }

  clear(): void {
    this.byId.clear();
    this.byChannel.clear();
    this.byGuild.clear();
  }

  private collect(ids: Set<string> | undefined): StoredWebhook[] {
    if (!ids) return [];
    const list: StoredWebhook[] = [];
    for (const id of ids) {
      const webhook = this.byId.get(id);
      if (webhook) list.push(webhook);
    }
    return list.sort((a, b) => compareSnowflakes(a.id, b.id));
  }
}

function index(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
