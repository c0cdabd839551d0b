import type { IncomingHttpHeaders } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { APIGuildMember, APIUser } from '../discord/types.js';
import type { CommandDeclaration, GuildDeclaration } from '../manifest/types.js';
import { errorMessage, type ActionContext, type CommandEvent } from './actions/context.js';
import type { JsonAnswer, JsonRequest } from './http-server.js';
import { interactionReplies } from './interaction-replies.js';
import { publicKeyFromHex, ReplayGuard, verifyInteractionRequest } from './interaction-verify.js';
import { checkInhibitors, type GatewayMessage, type InhibitorFacts } from './router.js';
import { runCommand } from './run-command.js';

/**
 * `POST /interactions`: slash commands over HTTP
 * (https://discord.com/developers/docs/interactions/receiving-and-responding).
 *
 * 1. Verify `X-Signature-Ed25519` over `X-Signature-Timestamp + raw body` with
 *    `discord.public_key`; missing or bad signature, or a timestamp older than 5 minutes or
 *    more than 1 minute ahead → 401 (Discord: "If the signature fails validation, your app
 *    should respond with a 401 error code").
 * 2. An interaction id seen before (every id is remembered for the whole timestamp window,
 *    interaction-verify.ts) → 401 as well, and nothing runs: a replay is indistinguishable
 *    from a forgery, so it gets the same answer. When the guard is full → 503.
 * 3. PING → `{"type":1}` (PONG).
 * 4. APPLICATION_COMMAND for a declared `slash:` command of that guild, inhibitors passed →
 *    `{"type":5}` (DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE) in the HTTP answer, well inside the
 *    3 s window; then the actions run with the interaction as the payload, and messages for
 *    the interaction's channel become the `@original` edit and follow-ups
 *    (interaction-replies.ts). Unknown command → ephemeral (flags 64) "Unknown command";
 *    inhibited → ephemeral refusal.
 * Without `discord.public_key` every request is answered 503.
 */
const EPHEMERAL = 1 << 6;

/** https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-interaction-type */
const InteractionType = { PING: 1, APPLICATION_COMMAND: 2, AUTOCOMPLETE: 4 } as const;
/** https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-interaction-callback-type */
const Callback = { PONG: 1, CHANNEL_MESSAGE_WITH_SOURCE: 4, DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: 5, AUTOCOMPLETE_RESULT: 8 } as const;

/** Values of `cordform_events_total{event="interaction", result}`. */
type InteractionResult =
  | 'matched'
  | 'ping'
  | 'unknown_command'
  | 'inhibited'
  | 'unsupported'
  | 'rejected'
  | 'replayed'
  | 'overloaded'
  | 'invalid'
  | 'disabled'
  | 'dropped';

export interface InteractionEndpointOptions {
  /** Hex Ed25519 public key (manifest `discord.public_key`); absent → 503. */
  publicKey: string | undefined;
  /** The application this runtime serves (`discord.application_id`, else the bot user's id). */
  applicationId: string;
  guilds: readonly GuildDeclaration[];
  ctx: ActionContext;
  isStopping(): boolean;
  /** Registers background work so that stop() drains it. */
  track(work: Promise<void>): void;
  now?: () => number;
  replays?: ReplayGuard;
}

export interface InteractionEndpoint {
  enabled: boolean;
  handle(request: JsonRequest): JsonAnswer;
}

/** The parts of an interaction the runtime reads. */
export interface Interaction {
  id: string;
  application_id: string;
  type: number;
  token: string;
  guild_id?: string;
  channel_id?: string;
  channel?: { nsfw?: boolean };
  member?: APIGuildMember & { user?: APIUser };
  user?: APIUser;
  data?: { id?: string; name?: string; options?: InteractionOption[] };
}

export interface InteractionOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: InteractionOption[];
}

export function createInteractionEndpoint(options: InteractionEndpointOptions): InteractionEndpoint {
  const { ctx } = options;
  const now = options.now ?? Date.now;
  const replays = options.replays ?? new ReplayGuard();
  let key: KeyObject | null = null;
  if (options.publicKey) {
    key = publicKeyFromHex(options.publicKey);
  }
  const count = (result: InteractionResult) => ctx.metrics.events.inc({ event: 'interaction', result });

  const handle = (request: JsonRequest): JsonAnswer => {
    if (!key) {
      count('disabled');
      ctx.logger.warn({}, 'interaction refused: discord.public_key is not set in the manifest, so /interactions cannot verify requests');
      return { status: 503, body: { error: 'interactions are not configured: set discord.public_key' } };
    }
    const verdict = verifyInteractionRequest(
      key,
      { signature: header(request.headers, 'x-signature-ed25519'), timestamp: header(request.headers, 'x-signature-timestamp'), body: request.body },
      now(),
    );
    if (!verdict.ok) {
      count('rejected');
      ctx.logger.warn({ reason: verdict.reason }, 'interaction rejected');
      return { status: 401, body: { error: 'invalid request signature' } };
    }
    const interaction = parseInteraction(request.body);
    if (!interaction) {
      count('invalid');
      return { status: 400, body: { error: 'not an interaction object' } };
    }
    if (interaction.application_id !== options.applicationId) {
      // Signed with our key but addressed to another application: public_key and
      // application_id in the manifest belong to different applications.
      count('rejected');
      ctx.logger.warn(
        { interaction_id: interaction.id, application_id: interaction.application_id, expected: options.applicationId },
        'interaction rejected: it is for another application; check that discord.public_key and discord.application_id are from the same application',
      );
      return { status: 401, body: { error: 'interaction is for another application' } };
    }
    const seen = replays.check(interaction.id, now());
    if (seen === 'replay') {
      count('replayed');
      ctx.logger.warn({ interaction_id: interaction.id }, 'interaction rejected: replayed id');
      return { status: 401, body: { error: 'interaction already received' } };
    }
    if (seen === 'full') {
      count('overloaded');
      ctx.logger.error(
        { interaction_id: interaction.id, remembered: replays.size },
        'interaction refused: the replay guard is full (every delivery of the last 6 minutes is remembered); answering 503',
      );
      return { status: 503, body: { error: 'too many interactions in the replay window; try again' } };
    }
    return answer(interaction);
  };

  const answer = (interaction: Interaction): JsonAnswer => {
    switch (interaction.type) {
      case InteractionType.PING:
        count('ping');
        return { status: 200, body: { type: Callback.PONG } };
      case InteractionType.APPLICATION_COMMAND:
        return answerCommand(interaction);
      case InteractionType.AUTOCOMPLETE:
        count('unsupported');
        return { status: 200, body: { type: Callback.AUTOCOMPLETE_RESULT, data: { choices: [] } } };
      default:
        count('unsupported');
        return ephemeral('This interaction is not supported.');
    }
  };

  const answerCommand = (interaction: Interaction): JsonAnswer => {
    const guild = options.guilds.find((candidate) => candidate.id === interaction.guild_id);
    const name = interaction.data?.name?.toLowerCase();
    const command = guild?.commands.find((candidate) => candidate.slash !== undefined && candidate.name.toLowerCase() === name);
    const fields = { interaction_id: interaction.id, guild_id: interaction.guild_id, command: interaction.data?.name };
    if (!guild || !command) {
      count('unknown_command');
      ctx.logger.info(fields, 'interaction for an undeclared command');
      return ephemeral('Unknown command');
    }
    if (options.isStopping()) {
      count('dropped');
      ctx.metrics.eventsDropped.inc({ reason: 'stopping' });
      return { status: 503, body: { error: 'stopping' } };
    }
    const facts = factsFromInteraction(interaction);
    // NSFW is the one fact an interaction may not carry; look it up only when it matters.
    const verdict = command.inhibitors.nsfw && facts.nsfw === null ? null : checkInhibitors(command, facts);
    if (verdict && !verdict.allowed) {
      count('inhibited');
      ctx.logger.info({ ...fields, inhibitor: verdict.inhibitor }, 'command inhibited');
      return ephemeral('You cannot use this command here.');
    }
    count('matched');
    const after = () => options.track(runInteraction(ctx, guild, command, interaction, verdict === null ? facts : null));
    return { status: 200, body: { type: Callback.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE }, after };
  };

  if (!key) ctx.logger.info({}, 'interactions disabled: discord.public_key is not set (POST /interactions answers 503)');
  return { enabled: key !== null, handle };
}

/**
 * The deferred part: (a late NSFW check,) the command's actions with the interaction as the
 * payload, then — when nothing answered the interaction and no HTTP_POST target holds the
 * token — an `@original` edit "Done." so the user is not left with "thinking…".
 */
async function runInteraction(
  ctx: ActionContext,
  guild: GuildDeclaration,
  command: CommandDeclaration,
  interaction: Interaction,
  pendingFacts: InhibitorFacts | null,
): Promise<void> {
  const target = { applicationId: interaction.application_id, token: interaction.token, channelId: interaction.channel_id ?? null };
  const replies = interactionReplies(ctx.api, target);
  try {
    if (pendingFacts) {
      const channel = await ctx.directory.channel(guild.id, pendingFacts.channelId).catch(() => undefined);
      const verdict = checkInhibitors(command, { ...pendingFacts, nsfw: channel?.nsfw ?? false });
      if (!verdict.allowed) {
        ctx.logger.info({ interaction_id: interaction.id, command: command.name, inhibitor: verdict.inhibitor }, 'command inhibited');
        await replies.api.createMessage(target.channelId ?? '', { content: 'You cannot use this command here.', allowed_mentions: { parse: [] } });
        return;
      }
    }
    await runCommand({ ...ctx, api: replies.api }, commandEvent(guild, command, interaction));
    const targetHasToken = command.actions.some((action) => action.type === 'HTTP_POST');
    if (replies.delivered() === 0 && !targetHasToken) {
      await ctx.api.editOriginalInteractionResponse(target.applicationId, target.token, { content: 'Done.', allowed_mentions: { parse: [] } });
    }
  } catch (error) {
    ctx.logger.warn({ interaction_id: interaction.id, command: command.name, error: errorMessage(error) }, 'interaction reply failed');
  }
}

function commandEvent(guild: GuildDeclaration, command: CommandDeclaration, interaction: Interaction): CommandEvent {
  const author = interaction.member?.user ?? interaction.user;
  const args = optionValues(interaction.data?.options ?? []).join(' ');
  return {
    guild,
    command,
    // HTTP_POST posts the payload object as is, and the runner otherwise reads only `id`:
    // for an interaction, the payload is the interaction object itself.
    message: interaction as unknown as GatewayMessage,
    template: {
      authorId: author?.id ?? '',
      authorUsername: author?.username ?? '',
      content: `/${interaction.data?.name ?? command.name}${args ? ` ${args}` : ''}`,
      args,
      channelId: interaction.channel_id ?? '',
      guildId: guild.id,
    },
  };
}

/** Option values in order; a sub-command contributes its name, then its own options. */
export function optionValues(options: readonly InteractionOption[]): string[] {
  return options.flatMap((option) =>
    option.options !== undefined || option.type === 1 || option.type === 2
      ? [option.name, ...optionValues(option.options ?? [])]
      : option.value === undefined
        ? []
        : [String(option.value)],
  );
}

function factsFromInteraction(interaction: Interaction): InhibitorFacts {
  const permissions = interaction.member?.permissions;
  return {
    channelId: interaction.channel_id ?? '',
    roles: interaction.member?.roles ?? [],
    permissions: typeof permissions === 'string' && /^\d+$/.test(permissions) ? BigInt(permissions) : null,
    nsfw: typeof interaction.channel?.nsfw === 'boolean' ? interaction.channel.nsfw : null,
  };
}

function ephemeral(content: string): JsonAnswer {
  return { status: 200, body: { type: Callback.CHANNEL_MESSAGE_WITH_SOURCE, data: { content, flags: EPHEMERAL } } };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body as an interaction: an object with string id, application_id, token and a numeric type. */
export function parseInteraction(body: Buffer): Interaction | null {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const candidate = value as Record<string, unknown>;
  const ok =
    typeof candidate.id === 'string' &&
    typeof candidate.application_id === 'string' &&
    typeof candidate.token === 'string' &&
    typeof candidate.type === 'number';
  return ok ? (value as Interaction) : null;
}
