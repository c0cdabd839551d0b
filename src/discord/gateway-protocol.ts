import { CordformError } from '../errors.js';

/**
 * Discord Gateway v10 protocol facts shared by the runtime's client (gateway-client.ts) and
 * the sandbox's server (src/sandbox/gateway*.ts): opcodes, close codes and which of them
 * end a session or the connection for good.
 */
/** https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-opcodes */
export const GatewayOpcode = {
  DISPATCH: 0,
  HEARTBEAT: 1,
  IDENTIFY: 2,
  PRESENCE_UPDATE: 3,
  VOICE_STATE_UPDATE: 4,
  RESUME: 6,
  RECONNECT: 7,
  REQUEST_GUILD_MEMBERS: 8,
  INVALID_SESSION: 9,
  HELLO: 10,
  HEARTBEAT_ACK: 11,
  REQUEST_SOUNDBOARD_SOUNDS: 31,
} as const;

/** https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes */
export const GatewayCloseCode = {
  UNKNOWN_ERROR: 4000,
  UNKNOWN_OPCODE: 4001,
  DECODE_ERROR: 4002,
  NOT_AUTHENTICATED: 4003,
  AUTHENTICATION_FAILED: 4004,
  ALREADY_AUTHENTICATED: 4005,
  INVALID_SEQ: 4007,
  RATE_LIMITED: 4008,
  SESSION_TIMED_OUT: 4009,
  INVALID_SHARD: 4010,
  SHARDING_REQUIRED: 4011,
  INVALID_API_VERSION: 4012,
  INVALID_INTENTS: 4013,
  DISALLOWED_INTENTS: 4014,
} as const;

/** Close codes after which reconnecting is pointless (the docs' "Reconnect: false" rows). */
const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([4004, 4010, 4011, 4012, 4013, 4014]);

/**
 * Close codes that end the session: the docs' "Resume: false" rows, plus 1000/1001, which
 * invalidate the session ("Initiating a Disconnect"). Any other code, and a dropped TCP
 * connection (1005/1006), keeps the session resumable.
 */
const SESSION_ENDING_CLOSE_CODES: ReadonlySet<number> = new Set([
  1000, 1001, 4001, 4003, 4004, 4005, 4007, 4009, 4010, 4011, 4012, 4013, 4014,
]);

export function isFatalCloseCode(code: number): boolean {
  return FATAL_CLOSE_CODES.has(code);
}

export function isResumableCloseCode(code: number): boolean {
  return !SESSION_ENDING_CLOSE_CODES.has(code);
}

/** A clear, stable error for each close code that stops the client for good. */
export function fatalCloseError(code: number, reason: string): CordformError {
  const details = { closeCode: code, reason };
  switch (code) {
    case 4004:
      return new CordformError(
        'gateway_authentication_failed',
        'Discord gateway closed with 4004 (Authentication failed): the bot token is invalid. ' +
          'Check discord.token in the manifest (or the variable it reads, e.g. DISCORD_BOT_TOKEN).',
        { fault: 'user', details },
      );
    case 4013:
      return new CordformError(
        'gateway_invalid_intents',
        'Discord gateway closed with 4013 (Invalid intent(s)): the intents bitfield sent in IDENTIFY is not valid.',
        { fault: 'tool', details },
      );
    case 4014:
      return new CordformError(
        'gateway_disallowed_intents',
        'Discord gateway closed with 4014 (Disallowed intent(s)): the bot asked for a privileged intent it may not use. ' +
          'Enable the MESSAGE_CONTENT intent for the bot in the Discord Developer Portal ' +
          '(Applications → your app → Bot → Privileged Gateway Intents → Message Content Intent).',
        { fault: 'user', details },
      );
    case 4010:
      return new CordformError(
        'gateway_invalid_shard',
        'Discord gateway closed with 4010 (Invalid shard): the shard sent in IDENTIFY is not valid. ' +
          'In --shard I/N, I must be below N, and a bot in large-bot sharding must run a multiple of the shard number Discord assigned; ' +
          '`cordform run --shards auto` uses the count Discord recommends.',
        { fault: 'user', details },
      );
    case 4011:
      return new CordformError(
        'gateway_sharding_required',
        'Discord gateway closed with 4011 (Sharding required): the bot is in too many guilds for one connection ' +
          '(Discord allows 2500 per shard). Run `cordform run --shards auto`, or one process per shard with --shard I/N ' +
          'where N is at least the `shards` GET /gateway/bot recommends.',
        { fault: 'user', details },
      );
    case 4012:
      return new CordformError(
        'gateway_invalid_api_version',
        'Discord gateway closed with 4012 (Invalid API version): the gateway does not accept v=10.',
        { fault: 'tool', details },
      );
    default:
      return new CordformError('gateway_closed', `Discord gateway closed with ${code}${reason ? ` (${reason})` : ''}.`, {
        fault: 'remote',
        details,
      });
  }
}

/** `${url}/?v=10&encoding=json`, keeping any path the URL already has. */
export function gatewayConnectUrl(base: string): string {
  const url = new URL(base);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.searchParams.set('v', '10');
  url.searchParams.set('encoding', 'json');
  return url.toString();
}
