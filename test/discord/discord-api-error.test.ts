import { describe, expect, it } from 'vitest';
import { CordformError } from '../../src/errors.js';
import {
  DiscordApiError,
  DiscordRequestOutcomeUnknown,
  flattenDiscordErrors,
  formatErrorLine,
  isDiscordApiError,
} from '../../src/discord/discord-api-error.js';

describe('flattenDiscordErrors', () => {
  it('turns the nested _errors object into readable lines', () => {
    const lines = flattenDiscordErrors({
      name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 80 in length.' }] },
      embeds: { '0': { title: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] } } },
      _errors: [{ code: 'GENERAL', message: 'Body is bad' }],
    }).map(formatErrorLine);
    expect(lines).toEqual([
      'name: Must be between 1 and 80 in length. (BASE_TYPE_BAD_LENGTH)',
      'embeds[0].title: This field is required (BASE_TYPE_REQUIRED)',
      'Body is bad (GENERAL)',
    ]);
  });

  it('ignores junk', () => {
    expect(flattenDiscordErrors(null)).toEqual([]);
    expect(flattenDiscordErrors('x')).toEqual([]);
    expect(flattenDiscordErrors({ a: { _errors: [null] } })).toEqual([{ path: 'a', code: '', message: 'invalid value' }]);
  });
});

describe('DiscordApiError', () => {
  it('is a CordformError with a stable code, fault by status and JSON-safe details', () => {
    const error = new DiscordApiError({
      status: 400,
      method: 'POST',
      route: '/channels/1/webhooks',
      discordCode: 50035,
      discordMessage: 'Invalid Form Body',
      errors: flattenDiscordErrors({ name: { _errors: [{ code: 'X', message: 'bad' }] } }),
    });
    expect(error).toBeInstanceOf(CordformError);
    expect(error.code).toBe('discord_api_error');
    expect(error.fault).toBe('user');
    expect(error.message).toBe('Discord API 400 on POST /channels/1/webhooks: Invalid Form Body (code 50035)\n  name: bad (X)');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ details: { status: 400, discordCode: 50035, errors: ['name: bad (X)'] } });
    expect(new DiscordApiError({ status: 502, method: 'GET', route: '/x' }).fault).toBe('remote');
  });

  it('adds a hint for a refused token, Missing Access and Missing Permissions only', () => {
    const hint = (status: number, discordCode?: number) =>
      new DiscordApiError({ status, method: 'GET', route: '/x', ...(discordCode === undefined ? {} : { discordCode }) }).message.split('\n  hint: ')[1];
    expect(hint(401, 0)).toMatch(/^Discord refused the bot token/);
    expect(hint(403, 50001)).toMatch(/^the bot cannot see this guild or channel/);
    expect(hint(403, 50013)).toMatch(/MANAGE_WEBHOOKS/);
    expect(hint(401, 50027)).toBeUndefined(); // Invalid Webhook Token is not about the bot token
    expect(hint(404, 10015)).toBeUndefined();
  });

  it('isDiscordApiError matches on the Discord code', () => {
    const error = new DiscordApiError({ status: 404, method: 'DELETE', route: '/webhooks/1', discordCode: 10015 });
    expect(isDiscordApiError(error)).toBe(true);
    expect(isDiscordApiError(error, 10015)).toBe(true);
    expect(isDiscordApiError(error, 10003)).toBe(false);
    expect(isDiscordApiError(new Error('x'))).toBe(false);
  });

  it('runs the redactor over text from the server', () => {
    const error = new DiscordApiError({
      status: 400,
      method: 'POST',
      route: '/webhooks/1/:token',
      discordMessage: 'bad token tok-123456789',
      redact: (t) => t.replaceAll('tok-123456789', '***'),
    });
    expect(error.message).not.toContain('tok-123456789');
    expect(error.discordMessage).toBe('bad token ***');
  });

  it('DiscordRequestOutcomeUnknown has its own code', () => {
    const error = new DiscordRequestOutcomeUnknown('POST', '/channels/1/webhooks', 'connection reset');
    expect(error).toBeInstanceOf(CordformError);
    expect(error.code).toBe('discord_outcome_unknown');
  });
});
