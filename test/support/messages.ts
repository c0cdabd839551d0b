import type { APIMessage } from '../../src/discord/types.js';

/**
 * A Discord message object (https://discord.com/developers/docs/resources/message#message-object)
 * with Discord's empty defaults for everything a test does not care about.
 */
export function messageObject<T extends Partial<APIMessage>>(
  fields: Pick<APIMessage, 'id' | 'channel_id' | 'author' | 'content'> & T,
): APIMessage & T {
  return {
    type: 0,
    timestamp: '2024-01-01T00:00:00.000Z',
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    ...fields,
  };
}
