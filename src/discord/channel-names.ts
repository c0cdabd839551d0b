/**
 * Channels by name, as people write them: `#name`, or `category/#name` when two channels
 * share a name. Discord identifies channels by id only; this is the one place that turns a
 * written name into the channels of a guild's channel list that carry it.
 */
import type { APIChannel } from './types.js';

/** Category channels (type 4) group channels; they are never a `#name` target. */
export const CATEGORY_CHANNEL = 4;

export interface ChannelNameQuery {
  /** Without the `#`. */
  name: string;
  /** The category's name, for `category/#name`. */
  category?: string;
}

/** Every non-category channel of `channels` that `query` names. */
export function channelsNamed(channels: readonly APIChannel[], query: ChannelNameQuery): APIChannel[] {
  const categories = categoryNames(channels);
  return channels.filter(
    (c) => c.type !== CATEGORY_CHANNEL && c.name === query.name && (query.category === undefined || categoryOf(c, categories) === query.category),
  );
}

export function categoryNames(channels: readonly APIChannel[]): Map<string, string> {
  return new Map(channels.filter((c) => c.type === CATEGORY_CHANNEL).map((c) => [c.id, c.name ?? '']));
}

function categoryOf(channel: APIChannel, categories: Map<string, string>): string | undefined {
  return channel.parent_id ? categories.get(channel.parent_id) : undefined;
}

/** `category/#name` when the channel is in a category, else `#name`. */
export function channelLabel(channel: APIChannel, categories: Map<string, string>): string {
  const category = categoryOf(channel, categories);
  return `${category === undefined ? '' : `${category}/`}#${channel.name ?? channel.id}`;
}
