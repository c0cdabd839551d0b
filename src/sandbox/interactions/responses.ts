import type { APIEmbed } from '../../discord/types.js';
import type { SandboxCore } from '../context.js';
import { emptyMessage, FieldErrors, FormErrors, SandboxHttpError, unknownMessage, unknownWebhook } from '../http/errors.js';
import { deleteMessage, publishMessage, type SandboxMessage } from '../resources/messages.js';
import { toApiUser } from '../store/serialize.js';
import { discordTimestamp, snowflakeTime } from '../store/snowflake.js';
import { CallbackType, type StoredInteraction } from './store.js';
import { checkEmbeds } from '../resources/embeds.js';
import { checkContent, checkFlags, MessageFlag } from '../resources/message-body.js';
import { requireObject } from '../resources/validation.js';

/**
 * What an application does with an interaction's token
 * (https://discord.com/developers/docs/interactions/receiving-and-responding): the initial
 * response (callback, or the inline HTTP answer), then `@original` edits and follow-ups.
 * Responses are messages in the channel authored by the application's bot user, with
 * `webhook_id` = the application id and `interaction_metadata`; ephemeral ones (flag 64)
 * are kept with the interaction only and never appear in the channel's history.
 */
/** Flags an application may set on a response message. */
const SETTABLE_FLAGS = MessageFlag.SUPPRESS_EMBEDS | MessageFlag.EPHEMERAL | MessageFlag.SUPPRESS_NOTIFICATIONS;
/** https://discord.com/developers/docs/resources/message#message-object-message-types */
const CHAT_INPUT_COMMAND_MESSAGE = 20;

export const unknownInteraction = () => new SandboxHttpError(404, { message: 'Unknown interaction', code: 10062 });
const alreadyAcknowledged = () =>
  new SandboxHttpError(400, { message: 'Interaction has already been acknowledged.', code: 40060 });

interface ResponseInput {
  content: string | undefined;
  embeds: APIEmbed[] | undefined;
  flags: number;
  tts: boolean;
}

/** Checks message fields of a response body; every field optional (PATCH semantics). */
function checkResponseMessage(raw: unknown, path: string[], errors: FormErrors): ResponseInput {
  const body = raw === undefined || raw === null ? {} : requireObject(raw);
  const content = checkContent(body.content, [...path, 'content'], errors) ?? undefined;
  const embeds = checkEmbeds(body.embeds, [...path, 'embeds'], errors) ?? undefined;
  const flags = (checkFlags(body.flags, [...path, 'flags'], errors) ?? 0) & SETTABLE_FLAGS;
  return { content, embeds, flags, tts: body.tts === true };
}

function buildMessage(core: SandboxCore, record: StoredInteraction, input: ResponseInput, extraFlags: number): SandboxMessage {
  const { world } = core.state;
  const bot = [...world.bots.values()].find((candidate) => candidate.application_id === record.application_id);
  const user = record.user_id ? world.users.get(record.user_id) : undefined;
  const id = core.state.snowflakes.next();
  const metadata = {
    id: record.id,
    type: record.type,
    name: record.command?.name ?? '',
    ...(user ? { user: toApiUser(user) } : {}),
    authorizing_integration_owners: record.guild_id ? { '0': record.guild_id } : {},
  };
  return {
    id,
    type: CHAT_INPUT_COMMAND_MESSAGE,
    channel_id: record.channel_id ?? '',
    guild_id: record.guild_id ?? '',
    author: bot ? toApiUser(bot) : { id: record.application_id, username: 'application', discriminator: '0', avatar: null, bot: true },
    content: input.content ?? '',
    timestamp: discordTimestamp(snowflakeTime(id)),
    edited_timestamp: null,
    tts: input.tts,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: input.embeds ?? [],
    pinned: false,
    components: [],
    flags: input.flags | extraFlags,
    webhook_id: record.application_id,
    application_id: record.application_id,
    interaction_metadata: metadata,
    interaction: { id: record.id, type: record.type, name: metadata.name, ...(metadata.user ? { user: metadata.user } : {}) },
  };
}

/** Stores a response message: in the channel (and on the gateway) unless it is ephemeral. */
function publish(core: SandboxCore, message: SandboxMessage): SandboxMessage {
  const ephemeral = ((message.flags as number) & MessageFlag.EPHEMERAL) !== 0;
  return ephemeral ? message : publishMessage(core, message);
}

const MESSAGE_CALLBACKS: readonly number[] = [CallbackType.CHANNEL_MESSAGE_WITH_SOURCE, CallbackType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE];

/**
 * The initial response (POST /interactions/{id}/{token}/callback, or the target's inline
 * HTTP answer). Types 4 and 5 are accepted for application commands; PONG (1) is only ever
 * an HTTP answer to a PING, never a callback a bot may send.
 */
export function applyCallback(core: SandboxCore, record: StoredInteraction, raw: unknown): { message: SandboxMessage | null } {
  const { interactions } = core.state;
  if (interactions.ackExpired(record) || record.type === 1) throw unknownInteraction();
  if (record.response !== null) throw alreadyAcknowledged();
  const body = requireObject(raw);
  const errors = new FormErrors();
  const type = body.type;
  if (type === undefined || type === null) errors.add(['type'], FieldErrors.required());
  else if (!MESSAGE_CALLBACKS.includes(type as number)) errors.add(['type'], FieldErrors.choices(MESSAGE_CALLBACKS));
  const input = checkResponseMessage(body.data, ['data'], errors);
  errors.throwIfAny();
  let message: SandboxMessage;
  if (type === CallbackType.CHANNEL_MESSAGE_WITH_SOURCE) {
    if (!input.content && !input.embeds?.length) throw emptyMessage();
    message = buildMessage(core, record, input, 0);
  } else {
    // A deferral may only carry EPHEMERAL; the user sees "thinking…" (LOADING) until the edit.
    message = buildMessage(core, record, { content: '', embeds: [], flags: input.flags & MessageFlag.EPHEMERAL, tts: false }, MessageFlag.LOADING);
  }
  record.response = type as number;
  record.ephemeral = ((message.flags as number) & MessageFlag.EPHEMERAL) !== 0;
  record.original = publish(core, message);
  return { message: record.original };
}

/** PATCH …/messages/@original or …/messages/{id}: only the given fields change. */
export function editResponse(core: SandboxCore, message: SandboxMessage, raw: unknown): SandboxMessage {
  const errors = new FormErrors();
  const input = checkResponseMessage(raw, [], errors);
  errors.throwIfAny();
  const content = input.content ?? message.content;
  const embeds = input.embeds ?? message.embeds;
  if (content === '' && embeds.length === 0) throw emptyMessage();
  const wasLoading = ((message.flags as number) & MessageFlag.LOADING) !== 0;
  message.content = content;
  message.embeds = embeds;
  // The first edit of a deferred response replaces "thinking…"; later edits are edits.
  message.flags = (message.flags as number) & ~MessageFlag.LOADING;
  if (!wasLoading) message.edited_timestamp = discordTimestamp(Date.now());
  // Ephemeral responses live with the interaction only; the others are channel messages.
  if (((message.flags as number) & MessageFlag.EPHEMERAL) === 0) core.state.putMessage(message);
  return message;
}

/**
 * POST /webhooks/{application.id}/{token}: a follow-up (execute webhook with wait=true).
 * Directly after a deferral it edits the loading `@original` instead, as Discord still does
 * for backwards compatibility.
 */
export function createFollowup(core: SandboxCore, record: StoredInteraction, raw: unknown): SandboxMessage {
  if (record.response === null) throw unknownWebhook();
  // `@original` may have been deleted since; follow-ups still work then.
  const original = record.original;
  if (original && ((original.flags as number) & MessageFlag.LOADING) !== 0) return editResponse(core, original, raw);
  const errors = new FormErrors();
  const input = checkResponseMessage(raw, [], errors);
  errors.throwIfAny();
  if (!input.content && !input.embeds?.length) throw emptyMessage();
  const message = publish(core, buildMessage(core, record, input, 0));
  record.followups.push(message);
  return message;
}

/** `@original` or a follow-up of this interaction; 10008 when there is none. */
export function findResponse(record: StoredInteraction, messageId: string): SandboxMessage {
  const found = messageId === '@original' ? record.original : record.followups.find((message) => message.id === messageId);
  if (!found) throw unknownMessage();
  return found;
}

/**
 * DELETE …/messages/@original or …/messages/{id}
 * (https://discord.com/developers/docs/interactions/receiving-and-responding#delete-original-interaction-response):
 * the message leaves the interaction and, unless ephemeral, the channel (MESSAGE_DELETE).
 */
export function deleteResponse(core: SandboxCore, record: StoredInteraction, messageId: string): void {
  const message = findResponse(record, messageId);
  if (message === record.original) record.original = null;
  else record.followups = record.followups.filter((followup) => followup !== message);
  const ephemeral = ((message.flags as number) & MessageFlag.EPHEMERAL) !== 0;
  if (!ephemeral) deleteMessage(core, message);
}
