import { describe, expect, it } from 'vitest';
import { describeRoute } from '../../src/discord/rate-limit/route-key.js';
import { routes } from '../../src/discord/routes.js';

describe('describeRoute', () => {
  it('keys channel routes on the channel id', () => {
    const route = describeRoute('POST', routes.channelWebhooks('100000000000000002'));
    expect(route).toMatchObject({
      template: '/channels/:id/webhooks',
      routeKey: 'POST /channels/:id/webhooks',
      major: '100000000000000002',
      botAuth: true,
      redactedPath: '/channels/100000000000000002/webhooks',
    });
  });

  it('keys guild routes on the guild id, also with a second id in the path', () => {
    const route = describeRoute('GET', routes.guildMember('1', '2'));
    expect(route).toMatchObject({ template: '/guilds/:id/members/:id', major: '1' });
  });

  it('keys /webhooks/{id} on the id, with bot auth', () => {
    expect(describeRoute('PATCH', routes.webhook('55'))).toMatchObject({ major: '55', botAuth: true });
  });

  it('keys webhook-token routes on id + token, without bot auth, and masks the token', () => {
    const route = describeRoute('POST', routes.webhookWithToken('55', 'sekret-token-value'));
    expect(route.template).toBe('/webhooks/:id/:token');
    expect(route.botAuth).toBe(false);
    expect(route.major).toBe('55/sekret-token-value');
    expect(route.majorLabel).toBe('55/:token');
    expect(route.redactedPath).toBe('/webhooks/55/:token');
  });

  it('treats interaction callbacks and @original edits as token routes', () => {
    const callback = describeRoute('POST', routes.interactionCallback('9', 'itoken-abcdef'));
    expect(callback).toMatchObject({ template: '/interactions/:id/:token/callback', botAuth: false, majorLabel: '9' });
    expect(callback.redactedPath).not.toContain('itoken');
    const original = describeRoute('PATCH', routes.webhookMessage('7', 'itoken-abcdef', '@original'));
    expect(original).toMatchObject({ template: '/webhooks/:id/:token/messages/@original', botAuth: false });
    expect(original.redactedPath).toBe('/webhooks/7/:token/messages/@original');
  });

  it('uses a global major parameter for routes without a top-level resource', () => {
    expect(describeRoute('GET', routes.currentUser()).major).toBe('global');
    expect(describeRoute('PUT', routes.applicationGuildCommands('1', '2'))).toMatchObject({
      major: 'global',
      template: '/applications/:id/guilds/:id/commands',
    });
  });

  it('refuses ids that are not snowflakes and encodes tokens', () => {
    expect(() => routes.webhook('../users/@me')).toThrow(/snowflake/);
    expect(routes.webhookWithToken('1', 'a/b?c')).toBe('/webhooks/1/a%2Fb%3Fc');
  });
});
