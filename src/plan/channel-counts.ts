/**
 * Webhook counts per channel before and after a plan, for Discord's limits: 15 webhooks per
 * channel (error 30007) and 1000 per guild (error 30058).
 * https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
 */
import type { APIWebhook } from '../discord/types.js';
import type { Change, WebhookChange } from './plan-types.js';

export const CHANNEL_WEBHOOK_LIMIT = 15;
export const GUILD_WEBHOOK_LIMIT = 1000;

export interface ChannelTraffic {
  /** Webhooks arriving: creates, replacements, and moves/adoptions into the channel. */
  incoming: WebhookChange[];
  /** Webhooks leaving: deletes, and moves/adoptions out of the channel. */
  outgoing: number;
}

/**
 * Live webhooks per channel; with `only`, just for those channels (callers need the counts
 * of channels the plan changes, and a plan without webhook changes then walks nothing).
 */
export function countByChannel(webhooks: readonly APIWebhook[], only?: ReadonlyMap<string, unknown>): Map<string, number> {
  const counts = new Map<string, number>();
  if (only?.size === 0) return counts;
  for (const webhook of webhooks) {
    const channel = webhook.channel_id ?? '';
    if (only === undefined || only.has(channel)) counts.set(channel, (counts.get(channel) ?? 0) + 1);
  }
  return counts;
}

export function channelTraffic(changes: readonly Change[]): Map<string, ChannelTraffic> {
  const traffic = new Map<string, ChannelTraffic>();
  const entry = (channel: string): ChannelTraffic => {
    const found = traffic.get(channel) ?? { incoming: [], outgoing: 0 };
    traffic.set(channel, found);
    return found;
  };
  for (const change of changes) {
    if (change.action === 'sync_commands') continue;
    if (change.action === 'create') entry(change.channelId).incoming.push(change);
    else if (change.action === 'delete') entry(change.channelId).outgoing += 1;
    else if (change.action === 'replace') {
      entry(change.precondition.channel_id ?? '').outgoing += 1;
      entry(change.channelId).incoming.push(change);
    }    else if (change.fields.channel_id !== undefined) {
      entry(String(change.fields.channel_id.from)).outgoing += 1;
      entry(change.channelId).incoming.push(change);
    }
  }
  return traffic;
}

/**
 * Channels whose live count plus arrivals passes Discord's limit before any delete runs.
 * `webhooks` is asked for only when some change moves a webhook into a channel.
 */
export function crowdedChannels(changes: readonly Change[], webhooks: () => readonly APIWebhook[]): Set<string> {
  const traffic = channelTraffic(changes);
  const crowded = new Set<string>();
  if (traffic.size === 0) return crowded;
  const before = countByChannel(webhooks(), traffic);
  for (const [channel, { incoming }] of traffic) {
    if ((before.get(channel) ?? 0) + incoming.length > CHANNEL_WEBHOOK_LIMIT) crowded.add(channel);
  }
  return crowded;
}
