import type { APIErrorBody } from '../../discord/types.js';

/**
 * Discord's error responses, exactly as the API sends them
 * (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).
 * Handlers throw a SandboxHttpError; the server turns it into the HTTP response.
 */
export class SandboxHttpError extends Error {
  readonly status: number;
  readonly body: APIErrorBody;

  constructor(status: number, body: APIErrorBody) {
    super(body.message);
    this.name = 'SandboxHttpError';
    this.status = status;
    this.body = body;
  }
}

function discordError(status: number, code: number, message: string): SandboxHttpError {
  return new SandboxHttpError(status, { message, code });
}

export const unauthorized = () => discordError(401, 0, '401: Unauthorized');
export const notFound = () => discordError(404, 0, '404: Not Found');
export const methodNotAllowed = () => discordError(405, 0, '405: Method Not Allowed');
export const internalError = () => discordError(500, 0, '500: Internal Server Error');

export const unknownChannel = () => discordError(404, 10003, 'Unknown Channel');
export const unknownGuild = () => discordError(404, 10004, 'Unknown Guild');
export const unknownMember = () => discordError(404, 10007, 'Unknown Member');
export const unknownMessage = () => discordError(404, 10008, 'Unknown Message');
export const unknownUser = () => discordError(404, 10013, 'Unknown User');
export const unknownEmoji = () => discordError(400, 10014, 'Unknown Emoji');
export const unknownWebhook = () => discordError(404, 10015, 'Unknown Webhook');

export const maxChannelWebhooks = () =>
  discordError(400, 30007, 'Maximum number of webhooks reached (15)');
export const maxGuildWebhooks = () =>
  discordError(400, 30058, 'Maximum number of webhooks per guild reached (1000)');

export const maxReactions = () => discordError(400, 30010, 'Maximum number of reactions reached (20)');

export const requestTooLarge = () => discordError(413, 40005, 'Request entity too large');
export const cannotSendInForum = () => discordError(400, 40058, 'Cannot send a message in a forum channel');

export const missingAccess = () => discordError(403, 50001, 'Missing Access');
export const cannotUseChannelType = () => discordError(400, 50024, 'Cannot execute action on this channel type');
export const cannotEditOthersMessage = () => discordError(403, 50005, 'Cannot edit a message authored by another user');
export const emptyMessage = () => discordError(400, 50006, 'Cannot send an empty message');
export const nonTextChannel = () => discordError(400, 50008, 'Cannot send messages in a non-text channel');
export const missingPermissions = () => discordError(403, 50013, 'Missing Permissions');
export const invalidWebhookToken = () => discordError(401, 50027, 'Invalid Webhook Token');
export const invalidJson = () =>
  discordError(400, 50109, 'The request body contains invalid JSON.');
export const cannotReplyWithoutHistory = () => discordError(403, 160002, 'Cannot reply without permission to read message history');

/** One field error inside a 50035 body, e.g. `{code: "BASE_TYPE_REQUIRED", message: "This field is required"}`. */
export interface FieldError {
  code: string;
  message: string;
}

/**
 * Collects field errors and renders Discord's nested 50035 shape:
 * `{"name": {"_errors": [...]}, "embeds": {"0": {"title": {"_errors": [...]}}}}`.
 */
export class FormErrors {
  private readonly root: Record<string, unknown> = {};
  private added = 0;

  /** `prefix`: where the checked part sits in the body, e.g. ['message'] for a forum post's first message. */
  constructor(private readonly prefix: ReadonlyArray<string | number> = []) {}

  add(path: ReadonlyArray<string | number>, error: FieldError): this {
    let node = this.root;
    for (const key of [...this.prefix, ...path]) {
      const name = String(key);
      const next = node[name];
      if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
        node = next as Record<string, unknown>;
      } else {
        const created: Record<string, unknown> = {};
        node[name] = created;
        node = created;
      }
    }
    const list = Array.isArray(node._errors) ? (node._errors as FieldError[]) : [];
    list.push(error);
    node._errors = list;
    this.added += 1;
    return this;
  }

  get empty(): boolean {
    return this.added === 0;
  }

  /** How many errors were added (a checker compares before and after its part). */
  get count(): number {
    return this.added;
  }

  /** Throws 400 50035 "Invalid Form Body" when any error was added. */
  throwIfAny(): void {
    if (!this.empty) throw invalidFormBody(this.root);
  }
}

function invalidFormBody(errors: Record<string, unknown>): SandboxHttpError {
  return new SandboxHttpError(400, { message: 'Invalid Form Body', code: 50035, errors });
}

export const FieldErrors = {
  required: (): FieldError => ({ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }),
  string: (value: unknown): FieldError => ({
    code: 'BASE_TYPE_STRING',
    message: `Could not interpret "${String(JSON.stringify(value))}" as string.`,
  }),
  badLength: (min: number, max: number): FieldError => ({
    code: 'BASE_TYPE_BAD_LENGTH',
    message: `Must be between ${min} and ${max} in length.`,
  }),
  maxLength: (max: number): FieldError => ({
    code: 'BASE_TYPE_MAX_LENGTH',
    message: `Must be ${max} or fewer in length.`,
  }),
  usernameContains: (word: string): FieldError => ({
    code: 'USERNAME_INVALID_CONTAINS',
    message: `Username cannot contain "${word}"`,
  }),
  imageInvalid: (): FieldError => ({ code: 'IMAGE_INVALID', message: 'Invalid image data' }),
  notSnowflake: (value: unknown): FieldError => ({
    code: 'NUMBER_TYPE_COERCE',
    message: `Value "${String(value)}" is not snowflake.`,
  }),
  notInt: (value: unknown): FieldError => ({
    code: 'NUMBER_TYPE_COERCE',
    message: `Value "${String(value)}" is not int.`,
  }),
  numberMax: (max: number): FieldError => ({
    code: 'NUMBER_TYPE_MAX',
    message: `int value should be less than or equal to ${max}.`,
  }),
  numberMin: (min: number): FieldError => ({
    code: 'NUMBER_TYPE_MIN',
    message: `int value should be greater than or equal to ${min}.`,
  }),
  array: (): FieldError => ({ code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }),
  /** `values` as the message shows them: quote strings first where Discord does ('roles'). */
  choices: (values: ReadonlyArray<string | number>): FieldError => ({
    code: 'BASE_TYPE_CHOICES',
    message: `Value must be one of {${values.join(', ')}}.`,
  }),
  boolean: (): FieldError => ({ code: 'BASE_TYPE_BOOLEAN', message: 'Must be either true or false.' }),
  invalidUrl: (): FieldError => ({ code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' }),
  dict: (): FieldError => ({
    code: 'DICT_TYPE_CONVERT',
    message: 'Only dictionaries may be used in a DictType',
  }),
} as const;
