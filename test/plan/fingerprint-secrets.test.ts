import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import { LineHash, planFingerprints } from '../../src/plan/fingerprint.js';
import { fuzzRuns } from '../support/fuzz.js';
import { renderJson } from '../../src/plan/render/json.js';
import { renderMarkdown } from '../../src/plan/render/markdown.js';
import { renderText } from '../../src/plan/render/text.js';
import { avatar, BOT_TOKEN, liveBuilder, manifestBuilder } from './builders.js';

const G = '1000';
const C1 = '2001';

const manifestWithSecrets = () =>
  manifestBuilder()
    .guild(G)
    .webhook('Deploys', C1, { avatar: avatar('./a.png', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa') })
    .webhook('Renamed', C1, { renamedFrom: 'Before' })
    .command('ticket', {
      actions: [
        { type: 'THIRD_PARTY_MESSAGE', url: 'https://im.example.com/hook', token: 'IM-TOKEN-SECRET-123456', userId: '{{author.id}}', message: '{{args}}', timeoutMs: 5000, location: { file: 'cordform.yaml', line: 40, column: 3 } },
        { type: 'HTTP_POST', url: 'https://bots.example.com/ping', timeoutMs: 5000, headers: { Authorization: 'Bearer HEADER-SECRET-654321' }, signingSecret: 'SIGNING-SECRET-987654', location: { file: 'cordform.yaml', line: 44, column: 3 } },
      ],
    })
    .build();

const liveWithTokens = () =>
  liveBuilder()
    .guild(G, { channels: [C1] })
    .webhook({ id: '3001', channel: C1, name: 'Before', avatar: 'bbbb' })
    .webhook({ id: '3002', channel: C1, name: 'Gone' })
    .webhook({ id: '3003', channel: C1, name: 'Human', creator: 'human' })
    .build();

describe('secrets never reach a plan', () => {
  it('no bot, webhook, action or header secret, URL or avatar data in any rendering', () => {
    const live = liveWithTokens();
    const plan = buildPlan(manifestWithSecrets(), live, {});
    const outputs = [renderJson(plan), renderText(plan, { verbose: true }), renderMarkdown(plan)];
    const secrets = [
      BOT_TOKEN,
      'IM-TOKEN-SECRET',
      'HEADER-SECRET',
      'SIGNING-SECRET',
      'data:image',
      'AVATAR-BYTES',
      'WEBHOOK-TOKEN',
      '/api/webhooks/',
      ...live.guilds[0]!.webhooks.map((w) => w.token!),
    ];
    for (const output of outputs) for (const secret of secrets) expect(output).not.toContain(secret);
    expect(plan.changes.length).toBeGreaterThan(0);
  });
});

describe('fingerprints', () => {
  const manifest = manifestWithSecrets();
  const base = planFingerprints(manifest, liveWithTokens());

  it('are stable for equal inputs (and independent of webhook order)', () => {
    const reordered = liveWithTokens();
    reordered.guilds[0]!.webhooks.reverse();
    expect(planFingerprints(manifestWithSecrets(), reordered)).toEqual(base);
    expect(base.live).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the live fingerprint changes when a declared guild changes, not when only a token or another guild does', () => {
    const renamed = liveWithTokens();
    renamed.guilds[0]!.webhooks[2]!.name = 'Human 2';
    expect(planFingerprints(manifest, renamed).live).not.toBe(base.live);

    const rotated = liveWithTokens();
    rotated.guilds[0]!.webhooks[0]!.token = 'ROTATED-TOKEN-xxxxxxxxxxxxxxxx';
    rotated.guilds.push({ guildId: '9999', webhooks: [], channels: null, commands: null });
    expect(planFingerprints(manifest, rotated)).toEqual(base);
  });

  it('the manifest fingerprint changes with declarations, not with secrets or line numbers', () => {
    const edited = manifestWithSecrets();
    edited.guilds[0]!.webhooks[0]!.name = 'Deploys 2';
    expect(planFingerprints(edited, liveWithTokens()).manifest).not.toBe(base.manifest);

    const moved = manifestWithSecrets();
    moved.discord.token = 'OTHER-BOT-TOKEN-zzzzzzzzzzzzzzzz';
    moved.guilds[0]!.webhooks[0]!.location.line = 99;
    const action = moved.guilds[0]!.commands[0]!.actions[0]!;
    if (action.type === 'THIRD_PARTY_MESSAGE') action.token = 'ROTATED';
    expect(planFingerprints(moved, liveWithTokens()).manifest).toBe(base.manifest);
  });
});

describe('LineHash (fingerprints are hashed as they are built)', () => {
  it('equals sha256 of the lines joined by newlines, across chunk boundaries and multi-byte text', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\n', '"', ' '), maxLength: 40_000 }), { maxLength: 12 }), (lines) => {
        const hash = new LineHash();
        for (const line of lines) hash.add(line);
        expect(hash.digest()).toBe(createHash('sha256').update(lines.join('\n')).digest('hex'));
      }),
      { numRuns: fuzzRuns(60) },
    );
  });
});
