import { ACTION_VALIDATOR, prepareValidator } from '../schema-validators.js';
import type { APIEmbed } from '../discord/types.js';
import { assertNever } from '../errors.js';
import type { GuildDeclaration, ThirdPartyMessageAction, ThirdPartyMessageBody, WebhookDeclaration } from '../manifest/types.js';
import type { ResolvedAction } from './actions/context.js';

/**
 * Reply actions: what an HTTP_POST target may answer with. Two steps, kept apart:
 * `parseReplyAction` checks the shape against schema/action.schema.json (pure, no
 * manifest), `authorizeReplyAction` checks every reference against what the manifest
 * declares for the command's guild and resolves it. Nothing in a reply can name a URL or
 * token the manifest does not already contain.
 */
export type ReplyAction =
  | { action: 'SEND_MESSAGE_TO_CHANNEL'; parameters: { channel_id: string; message: string } }
  | { action: 'SEND_EMBED_TO_CHANNEL'; parameters: { channel_id: string; embed: APIEmbed } }
  | {
      action: 'EXECUTE_WEBHOOK';
      parameters: { webhook: string; content?: string; username?: string; embeds?: APIEmbed[] };
    }
  | { action: 'THIRD_PARTY_MESSAGE'; parameters: { sink?: string; url?: string; user_id: string; message: ThirdPartyMessageBody } };

export type ParsedReply =
  | { ok: true; reply: ReplyAction }
  | { ok: false; reason: 'invalid_json' | 'invalid_action'; errors: string[] };

// schema/action.schema.json: precompiled at build time when dist/ has it, else compiled by ajv (src/schema-validators.ts).
const validate = (await prepareValidator<ReplyAction>(ACTION_VALIDATOR)).get();

/** Parses and validates a reply body. Never throws. */
export function parseReplyAction(body: string): ParsedReply {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return { ok: false, reason: 'invalid_json', errors: [error instanceof Error ? error.message : 'invalid JSON'] };
  }
  return validateReplyAction(value);
}

export function validateReplyAction(value: unknown): ParsedReply {
  if (validate(value)) return { ok: true, reply: value };
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  return { ok: false, reason: 'invalid_action', errors };
}

export interface ReplyScope {
  guild: GuildDeclaration;
  /** True when the channel belongs to the command's guild (live lookup by the caller). */
  isGuildChannel(channelId: string): boolean;
  /** The command's own THIRD_PARTY_MESSAGE sinks, preferred when a URL is declared twice. */
  commandSinks: readonly ThirdPartyMessageAction[];
}

export type Authorized = { ok: true; action: ResolvedAction } | { ok: false; reason: string };

/** Channel ids a reply refers to: the caller looks these up before authorizing. */
export function referencedChannels(reply: ReplyAction): string[] {
  switch (reply.action) {
    case 'SEND_MESSAGE_TO_CHANNEL':
    case 'SEND_EMBED_TO_CHANNEL':
      return [reply.parameters.channel_id];
    case 'EXECUTE_WEBHOOK':
    case 'THIRD_PARTY_MESSAGE':
      return [];
    default:
      return assertNever(reply, 'reply action');
  }
}

export function authorizeReplyAction(reply: ReplyAction, scope: ReplyScope): Authorized {
  switch (reply.action) {
    case 'SEND_MESSAGE_TO_CHANNEL': {
      const { channel_id, message } = reply.parameters;
      if (!scope.isGuildChannel(channel_id)) return refuse(`channel ${channel_id} is not in guild ${scope.guild.id}`);
      return { ok: true, action: { type: reply.action, channelId: channel_id, message } };
    }
    case 'SEND_EMBED_TO_CHANNEL': {
      const { channel_id, embed } = reply.parameters;
      if (!scope.isGuildChannel(channel_id)) return refuse(`channel ${channel_id} is not in guild ${scope.guild.id}`);
      return { ok: true, action: { type: reply.action, channelId: channel_id, embed } };
    }
    case 'EXECUTE_WEBHOOK': {
      const found = findDeclaredWebhook(scope.guild, reply.parameters.webhook);
      if (!found.ok) return found;
      const { content, username, embeds } = reply.parameters;
      return { ok: true, action: { type: reply.action, webhook: found.webhook, content, username, embeds } };
    }
    case 'THIRD_PARTY_MESSAGE': {
      const sink = findDeclaredSink(scope, reply.parameters.sink ?? reply.parameters.url);
      if (!sink.ok) return sink;
      const { url, token, timeoutMs } = sink.sink;
      const { user_id, message } = reply.parameters;
      return { ok: true, action: { type: reply.action, url, token, timeoutMs, userId: user_id, message } };
    }
    default:
      return assertNever(reply, 'reply action');
  }
}

/** A webhook declared in the guild by name; refused when none or several share the name. */
export function findDeclaredWebhook(
  guild: GuildDeclaration,
  name: string,
): { ok: true; webhook: WebhookDeclaration } | { ok: false; reason: string } {
  const matches = guild.webhooks.filter((webhook) => webhook.name === name);
  const [first] = matches;
  if (!first) return refuse(`webhook "${name}" is not declared in guild ${guild.id}`);
  if (matches.length > 1) return refuse(`webhook name "${name}" is declared in several channels of guild ${guild.id}`);
  return { ok: true, webhook: first };
}

function findDeclaredSink(
  scope: ReplyScope,
  url: string | undefined,
): { ok: true; sink: ThirdPartyMessageAction } | { ok: false; reason: string } {
  const declared = [
    ...scope.commandSinks,
    ...scope.guild.commands.flatMap((command) =>
      command.actions.filter((action): action is ThirdPartyMessageAction => action.type === 'THIRD_PARTY_MESSAGE'),
    ),
  ];
  if (url === undefined) {
    const urls = new Set(declared.map((sink) => sink.url));
    const [only] = declared;
    if (urls.size === 1 && only) return { ok: true, sink: only };
    return refuse(urls.size === 0 ? `guild ${scope.guild.id} declares no third-party sink` : 'several sinks are declared: name one with "sink"');
  }
  const sink = declared.find((candidate) => candidate.url === url);
  return sink ? { ok: true, sink } : refuse('sink is not declared in the manifest');
}

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
