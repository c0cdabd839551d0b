import type { DiscordApi } from '../discord/api.js';
import { channelsNamed } from '../discord/channel-names.js';
import type { APIChannel, APIGuild, APIWebhook } from '../discord/types.js';
import type { WebhookDeclaration } from '../manifest/types.js';
import type { Redactor } from '../redact.js';

/**
 * What the runtime needs to know about a guild to authorize and execute actions: its
 * channels (a reply may act only there; the NSFW inhibitor), its roles (permissions when
 * the payload has none) and the live tokens of declared webhooks. Read through the API and
 * kept in memory only, briefly; webhook tokens are never persisted or logged (each one is
 * added to the Redactor as soon as it is seen).
 */
export interface GuildDirectoryOptions {
  api: Pick<DiscordApi, 'getGuild' | 'getGuildChannels' | 'getGuildWebhooks'>;
  redactor: Redactor;
  /** How long channel and role lists are reused (default 60 s). */
  ttlMs?: number;
  /** How long webhook tokens are reused (default 30 s). */
  webhookTtlMs?: number;
  now?: () => number;
}

interface Entry<T> {
  at: number;
  value: Promise<T>;
}

/** A channel missing from a cached list is looked up again when the list is older than this. */
const MISS_REFRESH_MS = 5_000;

export class GuildDirectory {
  private readonly channelLists = new Map<string, Entry<Map<string, APIChannel>>>();
  private readonly guilds = new Map<string, Entry<APIGuild>>();
  private readonly webhookLists = new Map<string, Entry<APIWebhook[]>>();
  private readonly now: () => number;

  constructor(private readonly options: GuildDirectoryOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The guild's channel with this id, or undefined when it is not in the guild. */
  async channel(guildId: string, channelId: string): Promise<APIChannel | undefined> {
    const found = (await this.channels(guildId)).get(channelId);
    if (found) return found;
    const entry = this.channelLists.get(guildId);
    if (entry && this.now() - entry.at < MISS_REFRESH_MS) return undefined;
    return (await this.channels(guildId, true)).get(channelId);
  }

  async hasChannel(guildId: string, channelId: string): Promise<boolean> {
    return (await this.channel(guildId, channelId)) !== undefined;
  }

  guild(guildId: string): Promise<APIGuild> {
    return this.cached(this.guilds, guildId, this.options.ttlMs ?? 60_000, false, () =>
      this.options.api.getGuild(guildId),
    );
  }

  /** The live id + token of a declared webhook, or null when none the bot owns exists (yet). */
  async webhook(written: WebhookDeclaration, botUserId: string): Promise<{ id: string; token: string } | null> {
    const declaration = await this.withChannelId(written);
    if (declaration === null) return null;
    const find = (hooks: APIWebhook[]) => matchWebhook(hooks, declaration, botUserId);
    const ttl = this.options.webhookTtlMs ?? 30_000;
    const load = () => this.options.api.getGuildWebhooks(declaration.guildId);
    let found = find(await this.cached(this.webhookLists, declaration.guildId, ttl, false, load));
    if (!found) found = find(await this.cached(this.webhookLists, declaration.guildId, ttl, true, load));
    if (!found?.token) return null;
    this.options.redactor.add(found.token);
    return { id: found.id, token: found.token };
  }

  /**
   * A declaration whose channel is written by name (`#deploys`) with the id it names now;
   * null while the name matches no channel or several (the plan reports that as a blocker).
   */
  private async withChannelId(declaration: WebhookDeclaration): Promise<WebhookDeclaration | null> {
    const ref = declaration.channelName;
    if (ref === undefined) return declaration;
    const named = channelsNamed([...(await this.channels(declaration.guildId)).values()], ref);
    return named.length === 1 ? { ...declaration, channel: named[0]!.id } : null;
  }

  /** Forget a guild's webhooks (e.g. after Discord said the token is invalid). */
  forgetWebhooks(guildId: string): void {
    this.webhookLists.delete(guildId);
  }

  private channels(guildId: string, refresh = false): Promise<Map<string, APIChannel>> {
    return this.cached(this.channelLists, guildId, this.options.ttlMs ?? 60_000, refresh, async () => {
      const list = await this.options.api.getGuildChannels(guildId);
      return new Map(list.map((channel) => [channel.id, channel]));
    });
  }

  private cached<T>(map: Map<string, Entry<T>>, key: string, ttl: number, refresh: boolean, load: () => Promise<T>): Promise<T> {
    const entry = map.get(key);
    if (entry && !refresh && this.now() - entry.at < ttl) return entry.value;
    const value = load();
    const fresh = { at: this.now(), value };
    map.set(key, fresh);
    // A failed lookup is not cached: the next action asks again.
    value.catch(() => {
      if (map.get(key) === fresh) map.delete(key);
    });
    return value;
  }
}

/**
 * The live webhook a declaration means, as the planner matches it (plan/ownership.ts):
 * adopted by `id:`, else by (channel, name) among the webhooks this bot created. Another
 * bot's webhook with the same name is never used: posting through it would speak with that
 * bot's name and avatar, in a channel where a moderator may have deleted ours on purpose.
 */
function matchWebhook(
  hooks: readonly APIWebhook[],
  declaration: WebhookDeclaration,
  botUserId: string,
): APIWebhook | undefined {
  if (declaration.id !== undefined) return hooks.find((hook) => hook.id === declaration.id);
  return hooks.find(
    (hook) =>
      hook.type === 1 && hook.channel_id === declaration.channel && hook.name === declaration.name && hook.user?.id === botUserId,
  );
}
