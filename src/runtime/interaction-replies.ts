import { setTimeout as sleep } from 'node:timers/promises';
import { DiscordApiError } from '../discord/discord-api-error.js';
import type { CreateMessageBody, DiscordApi, WriteOptions } from '../discord/api.js';
import type { APIMessage } from '../discord/types.js';

/**
 * Where a slash command's messages go. After the runtime answered the interaction with a
 * deferral (type 5), a message for the interaction's own channel — a SEND_MESSAGE action or
 * an HTTP_POST target's SEND_MESSAGE_TO_CHANNEL reply — becomes the `@original` edit
 * (the first) or a follow-up (every later one), with the interaction token
 * (https://discord.com/developers/docs/interactions/receiving-and-responding#followup-messages).
 * Messages for other channels of the guild are ordinary bot messages.
 *
 * Implemented as a DiscordApi wrapper, so every action executor works unchanged.
 */
export interface InteractionTarget {
  applicationId: string;
  token: string;
  channelId: string | null;
}

export interface InteractionReplies {
  api: DiscordApi;
  /** How many messages went to the interaction (edit + follow-ups). */
  delivered(): number;
}

/** A 404 on the first edit can mean Discord has not taken our deferral yet: retry once. */
const FIRST_EDIT_RETRY_MS = 500;

export function interactionReplies(base: DiscordApi, target: InteractionTarget): InteractionReplies {
  let count = 0;
  let chain: Promise<unknown> = Promise.resolve();

  const deliver = async (body: CreateMessageBody, options: WriteOptions | undefined): Promise<APIMessage> => {
    if (count === 0) {
      const message = await editOriginal(base, target, body, options);
      count += 1;
      return message;
    }
    const message = await base.createFollowupMessage(target.applicationId, target.token, body, options);
    count += 1;
    return message;
  };

  const createMessage = (channelId: string, body: CreateMessageBody, options?: WriteOptions): Promise<APIMessage> => {
    if (channelId !== target.channelId) return base.createMessage(channelId, body, options);
    // Serialized, so "first" is well defined when actions run concurrently.
    const next = chain.then(() => deliver(body, options));
    chain = next.catch(() => undefined);
    return next;
  };

  const api = new Proxy(base, {
    get(object, property) {
      if (property === 'createMessage') return createMessage;
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
  return { api, delivered: () => count };
}

async function editOriginal(
  base: DiscordApi,
  target: InteractionTarget,
  body: CreateMessageBody,
  options: WriteOptions | undefined,
): Promise<APIMessage> {
  try {
    return await base.editOriginalInteractionResponse(target.applicationId, target.token, body, options);
  } catch (error) {
    if (!(error instanceof DiscordApiError) || error.status !== 404) throw error;
    await sleep(FIRST_EDIT_RETRY_MS, undefined, options?.signal ? { signal: options.signal } : undefined);
    return base.editOriginalInteractionResponse(target.applicationId, target.token, body, options);
  }
}
