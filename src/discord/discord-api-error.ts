import { CordformError } from '../errors.js';

/**
 * Errors the Discord client throws. All extend CordformError, carry JSON-safe details, and
 * name the route with webhook/interaction tokens replaced by `:token`; none include the bot
 * token, a webhook token, or a request body.
 */
export interface DiscordErrorLine {
  /** Field path, e.g. `embeds[0].title`; empty for errors about the whole body. */
  path: string;
  code: string;
  message: string;
}

export interface DiscordApiErrorInit {
  status: number;
  method: string;
  /** Path with tokens masked. */
  route: string;
  discordCode?: number | undefined;
  discordMessage?: string | undefined;
  errors?: DiscordErrorLine[];
  /** Passed through `redact` before it reaches the message. */
  redact?: (text: string) => string;
}

/** A non-2xx answer from Discord (https://discord.com/developers/docs/reference#error-messages). */
export class DiscordApiError extends CordformError {
  readonly status: number;
  readonly discordCode: number | undefined;
  readonly discordMessage: string | undefined;
  readonly errors: DiscordErrorLine[];
  readonly method: string;
  readonly route: string;

  constructor(init: DiscordApiErrorInit) {
    const redact = init.redact ?? ((text: string) => text);
    const errors = (init.errors ?? []).map((line) => ({ ...line, message: redact(line.message) }));
    const discordMessage = init.discordMessage === undefined ? undefined : redact(init.discordMessage);
    super('discord_api_error', redact(formatApiErrorMessage({ ...init, discordMessage, errors })), {
      fault: init.status >= 500 ? 'remote' : 'user',
      details: {
        status: init.status,
        method: init.method,
        route: init.route,
        ...(init.discordCode === undefined ? {} : { discordCode: init.discordCode }),
        ...(discordMessage === undefined ? {} : { discordMessage }),
        ...(errors.length > 0 ? { errors: errors.map(formatErrorLine) } : {}),
      },
    });
    this.name = 'DiscordApiError';
    this.status = init.status;
    this.discordCode = init.discordCode;
    this.discordMessage = discordMessage;
    this.errors = errors;
    this.method = init.method;
    this.route = init.route;
  }
}

/**
 * A write whose effect we cannot know: the connection failed or timed out after the request
 * may have reached Discord, or Discord answered 5xx. Not retried blindly (a second create
 * would duplicate the webhook); the caller re-reads state and decides.
 */
export class DiscordRequestOutcomeUnknown extends CordformError {
  readonly method: string;
  readonly route: string;

  constructor(method: string, route: string, reason: string, cause?: unknown) {
    super(
      'discord_outcome_unknown',
      `${method} ${route}: ${reason}; Discord may or may not have applied it — re-read before retrying`,
      { fault: 'remote', details: { method, route, reason }, cause },
    );
    this.name = 'DiscordRequestOutcomeUnknown';
    this.method = method;
    this.route = route;
  }
}

/**
 * A request given up before its next attempt went out because the caller stopped sending
 * (an interrupted apply). `maybeApplied`: an earlier attempt got no clear answer (a 5xx, a
 * timeout), so Discord may have done it anyway; false when nothing was sent or every
 * attempt was refused (429).
 */
export class DiscordRequestNotSent extends CordformError {
  readonly maybeApplied: boolean;

  constructor(method: string, route: string, maybeApplied: boolean) {
    const what = maybeApplied ? 'an earlier attempt may have been applied' : 'nothing was sent';
    super('discord_request_not_sent', `${method} ${route}: stopped before sending (${what})`, {
      fault: 'user',
      details: { method, route, maybeApplied },
    });
    this.name = 'DiscordRequestNotSent';
    this.maybeApplied = maybeApplied;
  }
}

/** A request that never got an answer after every retry (idempotent requests only). */
export class DiscordNetworkError extends CordformError {
  constructor(method: string, route: string, reason: string, attempts: number, cause?: unknown) {
    super('discord_network_error', `${method} ${route}: ${reason} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`, {
      fault: 'remote',
      details: { method, route, reason, attempts },
      cause,
    });
    this.name = 'DiscordNetworkError';
  }
}

/** Discord's JSON error code for a webhook id that does not exist (any more). */
export const UNKNOWN_WEBHOOK = 10015;

/** True for a DiscordApiError, optionally with Discord's JSON error `code` (e.g. 10015 Unknown Webhook). */
export function isDiscordApiError(error: unknown, discordCode?: number): error is DiscordApiError {
  if (!(error instanceof DiscordApiError)) return false;
  return discordCode === undefined || error.discordCode === discordCode;
}

export function formatErrorLine(line: DiscordErrorLine): string {
  const where = line.path === '' ? '' : `${line.path}: `;
  return `${where}${line.message}${line.code === '' ? '' : ` (${line.code})`}`;
}

function formatApiErrorMessage(init: DiscordApiErrorInit & { errors: DiscordErrorLine[] }): string {
  const what = init.discordMessage ?? statusText(init.status);
  const code = init.discordCode === undefined ? '' : ` (code ${init.discordCode})`;
  const head = `Discord API ${init.status} on ${init.method} ${init.route}: ${what}${code}`;
  const hint = errorHint(init.status, init.discordCode);
  return [head, ...init.errors.map((line) => `  ${formatErrorLine(line)}`), ...(hint ? [`  hint: ${hint}`] : [])].join('\n');
}

/** What to do about the errors a first run most often meets (Discord's own text says what, not why). */
function errorHint(status: number, code: number | undefined): string | undefined {
  if (status === 401 && (code === undefined || code === 0)) {
    return 'Discord refused the bot token: check discord.token in the manifest (usually ${DISCORD_BOT_TOKEN}) — the Bot token from the Developer Portal, without the "Bot " prefix';
  }
  if (code === 50001) return 'the bot cannot see this guild or channel: is it a member, with VIEW_CHANNEL there?';
  if (code === 50013) return 'the bot lacks a permission here (MANAGE_WEBHOOKS for webhooks); `cordform plan` lists missing permissions per channel';
  return undefined;
}

function statusText(status: number): string {
  switch (status) {
    case 401:
      return 'Unauthorized (is the bot token valid?)';
    case 403:
      return 'Forbidden (missing permission?)';
    case 404:
      return 'Not Found';
    case 429:
      return 'Too Many Requests';
    default:
      return status >= 500 ? 'Discord server error' : 'request failed';
  }
}

/**
 * Flattens Discord's nested `errors` object — `{"name": {"_errors": [{code, message}]}}`,
 * arrays as numeric keys — into one line per problem with a readable field path.
 */
export function flattenDiscordErrors(errors: unknown, path = ''): DiscordErrorLine[] {
  if (typeof errors !== 'object' || errors === null) return [];
  const lines: DiscordErrorLine[] = [];
  for (const [key, value] of Object.entries(errors as Record<string, unknown>)) {
    if (key === '_errors' && Array.isArray(value)) {
      for (const item of value) lines.push(errorItem(item, path));
      continue;
    }
    const next = /^\d+$/.test(key) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    lines.push(...flattenDiscordErrors(value, next));
  }
  return lines;
}

function errorItem(item: unknown, path: string): DiscordErrorLine {
  const { code, message } = (typeof item === 'object' && item !== null ? item : {}) as {
    code?: unknown;
    message?: unknown;
  };
  return {
    path,
    code: typeof code === 'string' ? code : '',
    message: typeof message === 'string' ? message : 'invalid value',
  };
}
