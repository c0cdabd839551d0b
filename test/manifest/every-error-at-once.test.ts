import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/read-manifest.js';
import { ENV, HEADER, writeTree } from './helpers.js';

/** Schema, semantic and avatar errors in one run: fixing one layer must not reveal the next. */
describe('every manifest error in one run', () => {
  it('reports schema errors, avatar files and duplicates together', async () => {
    const dir = writeTree({
      'cordform.yaml': `${HEADER}guilds:
  - id: "100000000000000001"
    webhooks:
      - name: 12
        channel: "100000000000000002"
        avatar: ./broken-avatar.png
      - name: Alerts
        channel: "100000000000000002"
        avatar: ./missing.png
      - name: Builds
        channel: "100000000000000003"
      - name: Builds
        channel: "100000000000000003"
    commands:
      - name: notify
        actions:
          - type: EXECUTE_WEBHOOK
            webhook: "12"
            content: hi
`,
    });
    const result = await loadManifest({ files: [], cwd: dir, env: ENV });
    expect(result.manifest).toBeUndefined();
    expect(result.errors.map((error) => `${error.location?.line}:${error.location?.column} ${error.code}`)).toEqual([
      '7:15 schema_type',
      '9:17 avatar_not_found',
      '12:17 avatar_not_found',
      '15:15 webhook_duplicate',
    ]);
    // The webhook the action names was left out for its schema error: no misleading "not declared".
    expect(result.errors.map((error) => error.code)).not.toContain('execute_webhook_unknown');
    expect(result.warnings).toEqual([]);
  });

  it('across files: a broken file does not hide the other files\' errors, nor invent a missing token', async () => {
    const dir = writeTree({
      'a.yaml': 'version: 1\ndiscord:\n  token: 12\n',
      'b.yaml': 'version: 1\nguilds:\n  - id: "100000000000000001"\n    webhooks:\n      - name: Deploys\n        channel: "100000000000000002"\n        avatar: ./nope.png\n',
    });
    const result = await loadManifest({ files: ['a.yaml', 'b.yaml'], cwd: dir, env: ENV });
    expect(result.errors.map((error) => `${error.location?.file}:${error.location?.line} ${error.code}`)).toEqual([
      'a.yaml:3 schema_type',
      'b.yaml:7 avatar_not_found',
    ]);
  });
});
