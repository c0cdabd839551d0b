import { setTimeout as sleep } from 'node:timers/promises';
import { hasPermissions, PERMISSION_BITS } from '../../discord/permissions.js';
import type { SandboxCore } from '../context.js';
import {
  FieldErrors,
  FormErrors,
  SandboxHttpError,
  missingAccess,
  unknownChannel,
  unknownGuild,
  unknownMember,
  unknownUser,
} from '../http/errors.js';
import { applyCallback } from './responses.js';
import { applicationSigningKeys, forgerSigningKeys, signInteraction } from './signing.js';
import type { StoredCommand } from './application-commands.js';
import { ACK_WINDOW_MS, type StoredInteraction } from './store.js';
import { toApiChannel, toApiMember } from '../store/serialize.js';
import { isSnowflake } from '../store/snowflake.js';
import { requireObject } from '../resources/validation.js';
import type { WorldBot, WorldChannel, WorldGuild } from '../store/world.js';

/**
 * POST /__sandbox/interactions: the sandbox plays Discord's interactions service. It builds
 * an interaction (PING or APPLICATION_COMMAND for a registered guild command). Without `url`
 * and without a seeded `interactions_endpoint_url`, the application has no endpoint, and the
 * command goes to its bot's gateway sessions as INTERACTION_CREATE, as on Discord. Otherwise
 * it signs it with the application's Ed25519 key and POSTs it to the URL as Discord does
 * (https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint):
 * `X-Signature-Ed25519`, `X-Signature-Timestamp` (Unix seconds), `Content-Type:
 * application/json`, `User-Agent: Discord-Interactions/1.0 (+https://discord.com)`, and
 * waits up to 3 s for the answer. A 200 JSON answer with a `type` is the initial response.
 *
 * Test knobs: `signature: "wrong_key" | "none"`, `stale: true` (timestamp 10 minutes old) or
 * an explicit `timestamp`, and `replay: ID` (resend an earlier request byte for byte).
 */
const INTERACTIONS_USER_AGENT = 'Discord-Interactions/1.0 (+https://discord.com)';
const STALE_SECONDS = 600;
/** Most of a target's answer kept in the admin response. */
const MAX_ANSWER_CHARS = 64 * 1024;

interface HttpDeliveryResult {
  via: 'http';
  interaction: Record<string, unknown>;
  request: { timestamp: string; signature: string | null };
  response: { status: number; content_type: string | null; body: unknown } | { error: string };
  /** Set when the target's inline answer could not be taken as the initial response. */
  callback_error?: { status: number; body: unknown };
}

/**
 * An application without an interactions endpoint gets INTERACTION_CREATE over the gateway
 * (https://discord.com/developers/docs/interactions/receiving-and-responding#receiving-an-interaction);
 * the admin call then waits (at most the 3 s window) for the bot's callback.
 */
interface GatewayDeliveryResult {
  via: 'gateway';
  interaction: Record<string, unknown>;
  /** Sessions of the application's bot that got INTERACTION_CREATE (0: nobody connected, the interaction fails). */
  sessions: number;
  /** The initial response's callback type once the bot answered within 3 s, else null. */
  response_type: number | null;
}

export type DeliveryResult = HttpDeliveryResult | GatewayDeliveryResult;

type Signature = 'valid' | 'wrong_key' | 'none';

interface SendRequest {
  /** null: the application's interactions endpoint, or the gateway when it has none. */
  url: string | null;
  type: 1 | 2;
  signature: Signature;
  timestamp: number | null;
  stale: boolean;
  applicationId: string | null;
  guildId: string | null;
  channelId: string | null;
  userId: string | null;
  command: string | null;
  options: unknown;
  locale: string;
}

export async function sendInteraction(core: SandboxCore, raw: unknown): Promise<DeliveryResult> {
  const body = requireObject(raw);
  if (body.replay !== undefined) return replayInteraction(core, body);
  const request = parseSendRequest(body);
  const bot = resolveApplication(core, request);
  const keys = applicationSigningKeys(bot.application_id);
  if (bot.public_key !== null && bot.public_key.toLowerCase() !== keys.publicKey) {
    throw new SandboxHttpError(400, {
      code: 0,
      message: `bot ${bot.id} is seeded with public_key ${bot.public_key}, but the sandbox signs with ${keys.publicKey} (GET /__sandbox/applications); remove public_key from the seed`,
    });
  }
  const url = request.url ?? bot.interactions_endpoint_url;
  if (url === null && request.type === 1) {
    throw new SandboxHttpError(400, { code: 0, message: 'a PING goes to an interactions endpoint only: give `url` or seed the application\'s interactions_endpoint_url' });
  }
  const { interactions } = core.state;
  const id = core.state.snowflakes.next();
  const record = request.type === 1 ? interactions.create(id, pingInit(bot)) : interactions.create(id, commandInit(core, bot, request));
  const payload = request.type === 1 ? pingPayload(record) : commandPayload(core, bot, record, request);
  if (url === null) return deliverOverGateway(core, bot, record, payload);
  const text = JSON.stringify(payload);
  const timestamp = String(request.timestamp ?? Math.floor(Date.now() / 1000) - (request.stale ? STALE_SECONDS : 0));
  const signature =
    request.signature === 'none'
      ? null
      : signInteraction((request.signature === 'wrong_key' ? forgerSigningKeys() : keys).privateKey, timestamp, text);
  record.sent = { body: text, timestamp, signature, url };
  return deliver(core, record, payload);
}

async function deliverOverGateway(core: SandboxCore, bot: WorldBot, record: StoredInteraction, payload: Record<string, unknown>): Promise<GatewayDeliveryResult> {
  record.sent = { body: JSON.stringify(payload), timestamp: '', signature: null, url: '' };
  let sessions = 0;
  try {
    sessions = core.hub().dispatchGuildEvent('INTERACTION_CREATE', record.guild_id!, 0, () => payload, bot.id);
  } catch {
    // Nobody got it: as with no session, the interaction fails.
  }
  const deadline = Date.now() + ACK_WINDOW_MS;
  while (sessions > 0 && record.response === null && Date.now() < deadline) await sleep(10);
  return { via: 'gateway', interaction: payload, sessions, response_type: record.response };
}

async function replayInteraction(core: SandboxCore, body: Record<string, unknown>): Promise<DeliveryResult> {
  const record = typeof body.replay === 'string' ? core.state.interactions.get(body.replay) : undefined;
  if (!record) throw new SandboxHttpError(404, { code: 10062, message: 'Unknown interaction' });
  if (record.sent.url === '') throw new SandboxHttpError(400, { code: 0, message: 'only an interaction sent to a URL can be replayed' });
  return deliver(core, record, JSON.parse(record.sent.body) as Record<string, unknown>);
}

async function deliver(core: SandboxCore, record: StoredInteraction, payload: Record<string, unknown>): Promise<HttpDeliveryResult> {
  const result: HttpDeliveryResult = {
    via: 'http',
    interaction: payload,
    request: { timestamp: record.sent.timestamp, signature: record.sent.signature },
    response: { error: 'not sent' },
  };
  const work = post(record).then(
    (response) => {
      result.response = response;
      if ('status' in response && response.status === 200) takeInlineAnswer(core, record, response.body, result);
    },
    (error: unknown) => {
      result.response = { error: (error as Error).name === 'TimeoutError' ? `no answer within ${ACK_WINDOW_MS} ms` : (error as Error).message };
    },
  );
  record.delivery = work;
  try {
    await work;
  } finally {
    record.delivery = null;
  }
  return result;
}

async function post(record: StoredInteraction): Promise<{ status: number; content_type: string | null; body: unknown }> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': INTERACTIONS_USER_AGENT,
    'x-signature-timestamp': record.sent.timestamp,
  };
  if (record.sent.signature !== null) headers['x-signature-ed25519'] = record.sent.signature;
  const response = await fetch(record.sent.url, {
    method: 'POST',
    headers,
    body: record.sent.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(ACK_WINDOW_MS),
  });
  const text = (await response.text()).slice(0, MAX_ANSWER_CHARS);
  const contentType = response.headers.get('content-type');
  let body: unknown = text === '' ? null : text;
  if (contentType?.includes('json')) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      // Kept as text: Discord would fail the interaction.
    }
  }
  return { status: response.status, content_type: contentType, body };
}

/** A 200 answer with an interaction response object is the initial response, as on Discord. */
function takeInlineAnswer(core: SandboxCore, record: StoredInteraction, body: unknown, result: HttpDeliveryResult): void {
  if (record.type === 1) return;
  if (typeof body !== 'object' || body === null || !('type' in body)) return;
  try {
    applyCallback(core, record, body);
  } catch (error) {
    if (!(error instanceof SandboxHttpError)) throw error;
    result.callback_error = { status: error.status, body: error.body };
  }
}

/** Waits for an in-flight inline answer (at most the 3 s window) before acting on a token. */
export async function settleDelivery(record: StoredInteraction): Promise<void> {
  if (record.response !== null || !record.delivery) return;
  await Promise.race([record.delivery, sleep(ACK_WINDOW_MS)]);
}

// ── Building the interaction ─────────────────────────────────────────────────────────

function parseSendRequest(body: Record<string, unknown>): SendRequest {
  const errors = new FormErrors();
  const url = typeof body.url === 'string' && /^https?:\/\//i.test(body.url) ? body.url : null;
  if (!url && body.url !== undefined && body.url !== null) errors.add(['url'], FieldErrors.invalidUrl());
  const type = body.type === undefined ? 2 : body.type;
  if (type !== 1 && type !== 2) errors.add(['type'], FieldErrors.choices([1, 2]));
  const signature = body.signature === undefined ? 'valid' : body.signature;
  if (signature !== 'valid' && signature !== 'wrong_key' && signature !== 'none') {
    errors.add(['signature'], FieldErrors.choices(['valid', 'wrong_key', 'none']));
  }
  if (body.timestamp !== undefined && !Number.isInteger(body.timestamp)) errors.add(['timestamp'], FieldErrors.notInt(body.timestamp));
  const ids = ['application_id', 'guild_id', 'channel_id', 'user_id'] as const;
  for (const field of ids) {
    const required = type === 2 && field !== 'application_id';
    if (body[field] === undefined || body[field] === null) {
      if (required) errors.add([field], FieldErrors.required());
    } else if (!isSnowflake(body[field])) errors.add([field], FieldErrors.notSnowflake(body[field]));
  }
  if (type === 2 && typeof body.command !== 'string') {
    errors.add(['command'], body.command === undefined ? FieldErrors.required() : FieldErrors.string(body.command));
  }
  errors.throwIfAny();
  const id = (field: (typeof ids)[number]) => (typeof body[field] === 'string' ? (body[field] as string) : null);
  return {
    url,
    type: type as 1 | 2,
    signature: signature as Signature,
    timestamp: (body.timestamp as number | undefined) ?? null,
    stale: body.stale === true,
    applicationId: id('application_id'),
    guildId: id('guild_id'),
    channelId: id('channel_id'),
    userId: id('user_id'),
    command: typeof body.command === 'string' ? body.command : null,
    options: body.options,
    locale: typeof body.locale === 'string' ? body.locale : 'en-US',
  };
}

/**
 * The application the interaction is for: `application_id`, else the one application that
 * registered the command in the guild, else (PING) the first seeded bot.
 */
function resolveApplication(core: SandboxCore, request: SendRequest): WorldBot {
  const bots = [...core.state.world.bots.values()];
  let applicationId = request.applicationId;
  if (applicationId === null && request.type === 2) {
    const candidates = core.state.commands.applicationsWith(request.guildId!, request.command!);
    applicationId = bots.find((bot) => candidates.includes(bot.application_id))?.application_id ?? null;
  }
  const bot = applicationId === null ? bots[0] : bots.find((candidate) => candidate.application_id === applicationId);
  if (!bot) throw new SandboxHttpError(404, { code: 10002, message: 'Unknown Application' });
  return bot;
}

function pingInit(bot: WorldBot) {
  return { application_id: bot.application_id, type: 1, guild_id: null, channel_id: null, user_id: null, command: null };
}

function requireWhere(core: SandboxCore, bot: WorldBot, request: SendRequest): { guild: WorldGuild; channel: WorldChannel } {
  const { world } = core.state;
  const guild = world.guilds.get(request.guildId!);
  if (!guild) throw unknownGuild();
  const channel = world.channels.get(request.channelId!);
  if (!channel || channel.guild_id !== guild.id) throw unknownChannel();
  if (!world.users.has(request.userId!)) throw unknownUser();
  if (!guild.members.has(request.userId!)) throw unknownMember();
  if (!guild.members.has(bot.id)) throw missingAccess();
  return { guild, channel };
}

function commandInit(core: SandboxCore, bot: WorldBot, request: SendRequest) {
  const { guild, channel } = requireWhere(core, bot, request);
  const command = core.state.commands.find(bot.application_id, guild.id, (c) => c.type === 1 && c.name === request.command);
  if (!command) throw new SandboxHttpError(404, { code: 10063, message: 'Unknown application command' });
  refuseUnavailableCommand(core, command, channel, request.userId!);
  return {
    application_id: bot.application_id,
    type: 2,
    guild_id: guild.id,
    channel_id: channel.id,
    user_id: request.userId,
    command: { id: command.id, name: command.name },
  };
}

/**
 * Discord offers a command only where its own fields allow it, so no interaction is sent for
 * one the member could not pick: `default_member_permissions` (all of those bits in the
 * channel; "0" = administrators only) and `nsfw` (age-restricted channels only).
 * https://discord.com/developers/docs/interactions/application-commands#permissions
 */
function refuseUnavailableCommand(core: SandboxCore, command: StoredCommand, channel: WorldChannel, userId: string): void {
  if (command.nsfw && !channel.nsfw) {
    throw new SandboxHttpError(403, { code: 50013, message: `Missing Permissions: /${command.name} is age-restricted and #${channel.name} is not NSFW` });
  }
  if (command.default_member_permissions === null) return;
  const required = BigInt(command.default_member_permissions);
  const permissions = core.state.world.channelPermissions(userId, channel) ?? 0n;
  const allowed = required === 0n ? hasPermissions(permissions, PERMISSION_BITS.ADMINISTRATOR) : hasPermissions(permissions, required);
  if (!allowed) {
    throw new SandboxHttpError(403, {
      code: 50013,
      message: `Missing Permissions: user ${userId} lacks /${command.name}'s default_member_permissions (${command.default_member_permissions}) in #${channel.name}`,
    });
  }
}

function pingPayload(record: StoredInteraction): Record<string, unknown> {
  return { id: record.id, application_id: record.application_id, type: 1, token: record.token, version: 1 };
}

/** An APPLICATION_COMMAND interaction as Discord sends it for a guild slash command. */
function commandPayload(core: SandboxCore, bot: WorldBot, record: StoredInteraction, request: SendRequest): Record<string, unknown> {
  const { world } = core.state;
  const { guild, channel } = requireWhere(core, bot, request);
  const user = world.users.get(record.user_id!)!;
  const member = guild.members.get(user.id)!;
  const command = core.state.commands.find(bot.application_id, guild.id, (c) => c.id === record.command!.id)!;
  const options = commandOptions(request.options, command.options ?? []);
  const appPermissions = (world.channelPermissions(bot.id, channel) ?? 0n).toString();
  return {
    id: record.id,
    application_id: record.application_id,
    type: 2,
    data: { id: command.id, name: command.name, type: 1, guild_id: guild.id, ...(options.length > 0 ? { options } : {}) },
    guild: { id: guild.id, locale: 'en-US', features: [] },
    guild_id: guild.id,
    channel: { ...toApiChannel(channel, null), permissions: appPermissions },
    channel_id: channel.id,
    member: {
      ...toApiMember(member, user, true),
      permissions: (world.channelPermissions(user.id, channel) ?? 0n).toString(),
    },
    token: record.token,
    version: 1,
    app_permissions: appPermissions,
    locale: request.locale,
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': guild.id },
    context: 0,
    attachment_size_limit: 10 * 1024 * 1024,
  };
}

interface DataOption {
  name: string;
  type: number;
  value: unknown;
}

/**
 * `options` as `{name: value}` (typed from the registered command) or as Discord's array of
 * `{name, type, value}`; names must exist on the registered command (50035 otherwise).
 */
function commandOptions(raw: unknown, declared: readonly { name: string; type: number }[]): DataOption[] {
  if (raw === undefined || raw === null) return [];
  const errors = new FormErrors();
  const entries: [string, unknown, number | undefined][] = Array.isArray(raw)
    ? raw.map((item: unknown) => {
        const option = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
        return [String(option.name), option.value, typeof option.type === 'number' ? option.type : undefined];
      })
    : typeof raw === 'object'
      ? Object.entries(raw as Record<string, unknown>).map(([name, value]) => [name, value, undefined])
      : [];
  const out: DataOption[] = [];
  for (const [name, value, type] of entries) {
    const known = declared.find((option) => option.name === name);
    if (!known) {
      errors.add(['options', name], { code: 'APPLICATION_COMMAND_OPTION_UNKNOWN', message: `Unknown option "${name}"` });
      continue;
    }
    out.push({ name, type: type ?? known.type, value });
  }
  errors.throwIfAny();
  return out;
}
