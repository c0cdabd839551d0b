/**
 * The channel types the sandbox tells apart
 * (https://discord.com/developers/docs/resources/channel#channel-object-channel-types).
 * Seeds may use any other guild type (voice 2, stage 13, …); those behave as plain channels.
 */
export const ChannelType = {
  GUILD_TEXT: 0,
  GUILD_CATEGORY: 4,
  GUILD_ANNOUNCEMENT: 5,
  ANNOUNCEMENT_THREAD: 10,
  PUBLIC_THREAD: 11,
  PRIVATE_THREAD: 12,
  GUILD_FORUM: 15,
  GUILD_MEDIA: 16,
} as const;

/** Thread types, in Discord's order (the choices of Start Thread's `type`). */
export const THREAD_TYPES = [ChannelType.ANNOUNCEMENT_THREAD, ChannelType.PUBLIC_THREAD, ChannelType.PRIVATE_THREAD] as const;
export type ThreadType = (typeof THREAD_TYPES)[number];

export const isThread = (type: number): type is ThreadType => (THREAD_TYPES as readonly number[]).includes(type);

/** Forum and media channels: their posts are threads; they take no plain messages. */
export const isForum = (type: number): boolean => type === ChannelType.GUILD_FORUM || type === ChannelType.GUILD_MEDIA;

export const isCategory = (type: number): boolean => type === ChannelType.GUILD_CATEGORY;
