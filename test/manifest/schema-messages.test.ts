import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/read-manifest.js';
import { ENV, HEADER, writeTree } from './helpers.js';

const errorsOf = async (yaml: string) => {
  const result = await loadManifest({ files: [], cwd: writeTree({ 'cordform.yaml': yaml }), env: ENV });
  return result.errors.map((error) => `${error.location?.line}:${error.location?.column} ${error.code}: ${error.message}`);
};

/** One value, one complaint, and the one that says what to do. */
describe('schema messages', () => {
  it('a webhook name that is a number is a type error, not a "clyde"/"discord" one', async () => {
    expect(await errorsOf(`${HEADER}guilds:\n  - id: "100000000000000001"\n    webhooks:\n      - name: 12\n        channel: "100000000000000002"\n`)).toEqual([
      '7:15 schema_type: guilds[0].webhooks[0].name: expected a string, found the number 12',
    ]);
  });

  it('version "1" must be the number 1, not a string', async () => {
    expect(await errorsOf('version: "1"\ndiscord:\n  token: ${DISCORD_BOT_TOKEN}\n')).toEqual([
      '1:10 version_not_number: version must be the number 1, not the string "1"; write `version: 1` without quotes',
    ]);
    expect(await errorsOf('version: 2\ndiscord:\n  token: ${DISCORD_BOT_TOKEN}\n')).toEqual([
      '1:10 version_unsupported: unsupported manifest version 2; this cordform reads version 1',
    ]);
  });

  it('a bad URL is reported once, with the message that says which URLs are allowed', async () => {
    const action = (url: string) => `${HEADER}guilds:\n  - id: "100000000000000001"\n    commands:\n      - name: ping\n        actions:\n          - type: HTTP_POST\n            url: ${url}\n`;
    expect(await errorsOf(action('"not a url"'))).toEqual(['10:18 url_invalid: guilds[0].commands[0].actions[0].url: expected an http:// or https:// URL, found "not a url"']);
    expect(await errorsOf(action('ftp://example.com/hook'))).toEqual(['10:18 url_invalid: guilds[0].commands[0].actions[0].url: expected an http:// or https:// URL, found "ftp://example.com/hook"']);
  });
});
