import type { APIChannel, APIGuild, APIGuildMember, APIRole, APIUser, APIWebhook } from '../../discord/types.js';
import type { StoredThread } from './thread-store.js';
import type { StoredWebhook } from './webhook-store.js';
import type { World, WorldChannel, WorldGuild, WorldMember, WorldRole, WorldUser } from './world.js';

/** Turns stored records into Discord's API objects (https://discord.com/developers/docs/resources). */
export function toApiUser(user: WorldUser): APIUser {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.global_name,
    avatar: user.avatar,
    ...(user.bot ? { bot: true } : {}),
    public_flags: 0,
  };
}

/** `GET /users/@me` for a bot: the user object plus the fields Discord adds for the current user. */
export function toCurrentUser(user: WorldUser): Record<string, unknown> {
  return { ...toApiUser(user), flags: 0, mfa_enabled: false, verified: true, locale: 'en-US', banner: null, accent_color: null };
}

export interface WebhookView {
  /** Discord omits `user` on the token routes. */
  withUser: boolean;
}

export function toApiWebhook(webhook: StoredWebhook, world: World, httpUrl: string, view: WebhookView): APIWebhook {
  const creator = world.users.get(webhook.creator_id);
  return {
    id: webhook.id,
    type: webhook.type,
    guild_id: webhook.guild_id,
    channel_id: webhook.channel_id,
    name: webhook.name,
    avatar: webhook.avatar,
    token: webhook.token,
    application_id: webhook.application_id,
    ...(view.withUser && creator ? { user: toApiUser(creator) } : {}),
    url: `${httpUrl}/api/webhooks/${webhook.id}/${webhook.token}`,
  };
}

export function toApiChannel(channel: WorldChannel, lastMessageId: string | null): APIChannel & Record<string, unknown> {
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guild_id,
    name: channel.name,
    position: channel.position,
    parent_id: channel.parent_id,
    nsfw: channel.nsfw,
    permission_overwrites: channel.permission_overwrites.map((ow) => ({ ...ow })),
    topic: channel.topic,
    last_message_id: lastMessageId,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

/**
 * A thread as a channel (https://discord.com/developers/docs/topics/threads#thread-fields):
 * `member` is the viewer's thread member when the viewer joined it.
 */
export function toApiThread(thread: StoredThread, messageCount: number, lastMessageId: string | null, viewerId: string | null): Record<string, unknown> {
  return {
    id: thread.id,
    type: thread.type,
    guild_id: thread.guild_id,
    parent_id: thread.parent_id,
    owner_id: thread.owner_id,
    name: thread.name,
    last_message_id: lastMessageId,
    rate_limit_per_user: thread.rate_limit_per_user,
    flags: 0,
    message_count: messageCount,
    member_count: Math.min(50, thread.member_ids.length),
    total_message_sent: thread.total_message_sent,
    thread_metadata: {
      archived: thread.archived,
      auto_archive_duration: thread.auto_archive_duration,
      archive_timestamp: thread.archive_timestamp,
      locked: thread.locked,
      create_timestamp: thread.created_at,
      ...(thread.invitable !== undefined ? { invitable: thread.invitable } : {}),
    },
    applied_tags: [...thread.applied_tags],
    ...(viewerId !== null && thread.member_ids.includes(viewerId)
      ? { member: { id: thread.id, user_id: viewerId, join_timestamp: thread.created_at, flags: 0 } }
      : {}),
  };
}

export function toApiGuild(guild: WorldGuild): APIGuild & Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: guild.icon,
    splash: null,
    discovery_splash: null,
    owner_id: guild.owner_id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: guild.roles.map(toApiRole),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
  };
}

/** https://discord.com/developers/docs/topics/permissions#role-object */
export function toApiRole(role: WorldRole): APIRole & Record<string, unknown> {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions,
    managed: false,
    mentionable: role.mentionable,
    flags: 0,
  };
}

/** A guild member; MESSAGE_CREATE's `member` omits `user`, GET member includes it. */
export function toApiMember(member: WorldMember, user: WorldUser | undefined, withUser: boolean): APIGuildMember & Record<string, unknown> {
  return {
    ...(withUser && user ? { user: toApiUser(user) } : {}),
    nick: member.nick,
    avatar: null,
    roles: [...member.roles],
    joined_at: member.joined_at,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
  };
}

/** The full guild (with channels and members) that the gateway sends in GUILD_CREATE. */
export function toGatewayGuild(world: World, guild: WorldGuild): Record<string, unknown> & { id: string } {
  const channels = guild.channelIds
    .map((id) => world.channels.get(id))
    .filter((channel): channel is WorldChannel => channel !== undefined)
    .map((channel) => toApiChannel(channel, null));
  const members = [...guild.members.values()].map((member) => toApiMember(member, world.users.get(member.user_id), true));
  return {
    ...toApiGuild(guild),
    joined_at: '2024-01-01T00:00:00.000000+00:00',
    large: false,
    unavailable: false,
    member_count: members.length,
    channels,
    threads: [],
    members,
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
