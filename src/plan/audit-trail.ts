/**
 * What a guild's audit log says about the bot's webhooks, read as data: which managed webhook
 * someone else changed last (and what it was called, and where, before they did), and which
 * of the bot's webhooks someone else deleted. cordform writes as the bot, so an entry by the
 * bot is never drift; everything else (people, other bots, a webhook's own token) is.
 * https://discord.com/developers/docs/resources/audit-log#audit-log-entry-object
 *
 * The log is trusted only as far as it agrees with live state: an entry whose new values are
 * not what the webhook holds now (an entry missing from the page read, say) ends the trail.
 */
import { snowflakeTime } from '../discord/snowflake-time.js';
import { AuditLogEvent, type APIAuditLogChange, type APIAuditLogEntry, type APIUser, type APIWebhook } from '../discord/types.js';
import type { LiveAuditLog } from '../live/live-state.js';
import { classifyWebhook, slotKey, type Owner } from './ownership.js';
import type { Attribution } from './plan-types.js';
import { compareSnowflakes } from './sort.js';

/** The declaration a drifted webhook came from: its name and channel before the out-of-band writes. */
export interface WebhookOrigin {
  name: string;
  channelId: string;
}

export interface WebhookDrift {
  /** The latest write, which was not the bot's. */
  attribution: Attribution;
  /** The webhook fields (`name`, `channel_id`, `avatar`) that write changed. */
  changed: string[];
  /** Set when the out-of-band writes since the bot's last one changed the name or channel. */
  origin: WebhookOrigin | null;
}

export interface AuditTrail {
  /** Managed webhooks whose latest write was someone else's, by webhook id. */
  drifted: ReadonlyMap<string, WebhookDrift>;
  /** Out-of-band deletes of the bot's webhooks: the latest delete per channel and name. */
  deleted: ReadonlyMap<string, Attribution>;
}

const EMPTY_TRAIL: AuditTrail = { drifted: new Map(), deleted: new Map() };

/** Change keys of webhook entries, mapped to the webhook's own field names. */
const TRACKED: Readonly<Record<string, keyof Tracked>> = { name: 'name', channel_id: 'channel_id', avatar_hash: 'avatar' };

interface Tracked {
  name: string | null;
  channel_id: string | null;
  avatar: string | null;
}

export function readAuditTrail(log: LiveAuditLog | null | undefined, webhooks: readonly APIWebhook[], owner: Owner): AuditTrail {
  if (log === undefined || log === null || !log.readable) return EMPTY_TRAIL;
  const newestFirst = [...log.entries].sort((a, b) => compareSnowflakes(b.id, a.id));
  const users = new Map(log.users.map((user) => [user.id, user]));
  const updatesByWebhook = new Map<string, APIAuditLogEntry[]>();
  for (const entry of newestFirst) {
    if (entry.action_type !== AuditLogEvent.WEBHOOK_UPDATE || entry.target_id === null) continue;
    const updates = updatesByWebhook.get(entry.target_id);
    if (updates === undefined) updatesByWebhook.set(entry.target_id, [entry]);
    else updates.push(entry);
  }
  const drifted = new Map<string, WebhookDrift>();
  for (const webhook of webhooks) {
    if (classifyWebhook(webhook, owner) !== 'managed') continue;
    const drift = webhookDrift(webhook, updatesByWebhook.get(webhook.id) ?? [], owner.botId, users);
    if (drift !== null) drifted.set(webhook.id, drift);
  }
  return { drifted, deleted: latestDeletes(newestFirst, owner, users) };
}

/**
 * Walks the webhook's updates back from now while they are not the bot's, undoing each one;
 * what remains is the name and channel the bot last left it with.
 */
function webhookDrift(webhook: APIWebhook, newestFirst: APIAuditLogEntry[], botId: string, users: Map<string, APIUser>): WebhookDrift | null {
  const latest = newestFirst[0];
  let state: Tracked = { name: webhook.name, channel_id: webhook.channel_id, avatar: webhook.avatar };
  if (latest === undefined || latest.user_id === botId || !leadsTo(latest, state)) return null;
  for (const entry of newestFirst) {
    if (entry.user_id === botId || !leadsTo(entry, state)) break;
    state = undo(entry, state);
  }
  const moved = state.name !== webhook.name || state.channel_id !== webhook.channel_id;
  return {
    attribution: attributionOf(latest, users),
    changed: trackedChanges(latest).map(([field]) => field),
    origin: moved && state.name !== null && state.channel_id !== null ? { name: state.name, channelId: state.channel_id } : null,
  };
}

/** Whether the entry's new values are the state it is undone from. */
function leadsTo(entry: APIAuditLogEntry, state: Tracked): boolean {
  return trackedChanges(entry).every(([field, change]) => valueOf(change.new_value) === state[field]);
}

function undo(entry: APIAuditLogEntry, state: Tracked): Tracked {
  const before = { ...state };
  for (const [field, change] of trackedChanges(entry)) before[field] = valueOf(change.old_value);
  return before;
}

function trackedChanges(entry: APIAuditLogEntry): [keyof Tracked, APIAuditLogChange][] {
  return (entry.changes ?? []).flatMap((change) => {
    const field = TRACKED[change.key];
    return field === undefined ? [] : [[field, change] as [keyof Tracked, APIAuditLogChange]];
  });
}

/** Discord leaves a value out when it is (or became) null. */
function valueOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * The latest delete per (channel, name) of a webhook the bot's application owned, kept only
 * when it was not the bot's: a prune by cordform is not drift.
 */
function latestDeletes(newestFirst: APIAuditLogEntry[], owner: Owner, users: Map<string, APIUser>): Map<string, Attribution> {
  const seen = new Set<string>();
  const deleted = new Map<string, Attribution>();
  for (const entry of newestFirst) {
    if (entry.action_type !== AuditLogEvent.WEBHOOK_DELETE) continue;
    const old = (key: string) => valueOf(entry.changes?.find((change) => change.key === key)?.old_value);
    const [name, channelId, applicationId] = [old('name'), old('channel_id'), old('application_id')];
    if (name === null || channelId === null || (applicationId !== null && applicationId !== owner.applicationId)) continue;
    const key = slotKey(channelId, name);
    if (seen.has(key)) continue;
    seen.add(key);
    if (entry.user_id !== owner.botId) deleted.set(key, attributionOf(entry, users));
  }
  return deleted;
}

function attributionOf(entry: APIAuditLogEntry, users: Map<string, APIUser>): Attribution {
  return {
    userId: entry.user_id,
    userName: entry.user_id === null ? null : (users.get(entry.user_id)?.username ?? null),
    at: snowflakeTime(entry.id),
    reason: entry.reason ?? null,
    actionType: entry.action_type,
    entryId: entry.id,
  };
}
