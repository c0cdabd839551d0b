import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact.js';
import { fuzzRuns } from '../support/fuzz.js';

/**
 * The Redactor reads a text once however many secrets it knows (a plan of 100,000 webhooks
 * registers 100,000 tokens; up to a few dozen it searches per secret). It must mask exactly
 * what masking each secret in turn would. Up to 80 secrets, so both ways are exercised.
 */
function redactOneByOne(secrets: readonly string[], text: string): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 6) out = out.split(secret).join('***');
  return out;
}

const tokenChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.'.split(''));
const token = fc.string({ unit: tokenChars, minLength: 6, maxLength: 80 });
const filler = fc.string({ unit: fc.constantFrom(...' /:"{}\n,é€😀x'.split('')), maxLength: 30 });

describe('Redactor', () => {
  it('masks like replacing each secret in turn, for any text of non-overlapping secrets', () => {
    fc.assert(
      fc.property(fc.uniqueArray(token, { minLength: 1, maxLength: 80 }), fc.array(fc.tuple(filler, fc.nat()), { maxLength: 40 }), filler, (secrets, pieces, tail) => {
        // Secrets that contain one another mask differently by order; those are covered below.
        fc.pre(secrets.every((a) => secrets.every((b) => a === b || !a.includes(b.slice(0, 6)))));
        const redactor = new Redactor();
        for (const secret of secrets) redactor.add(secret);
        const text = pieces.map(([before, which]) => `${before}${secrets[which % secrets.length]}`).join('') + tail;
        expect(redactor.redact(text)).toBe(redactOneByOne(secrets, text));
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('leaves no secret whole, even when secrets overlap or contain one another', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 6, maxLength: 200 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 6, max: 12 })), { minLength: 1, maxLength: 60 }), (text, cuts) => {
        const secrets = cuts.map(([at, length]) => text.slice(at % text.length, (at % text.length) + length)).filter((s) => s.length >= 6);
        const redactor = new Redactor();
        for (const secret of secrets) redactor.add(secret);
        const out = redactor.redact(text);
        for (const secret of secrets) expect(out.replaceAll('***', '\u0000')).not.toContain(secret);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('masks 100,000 webhook tokens in a text that holds each of them', () => {
    const redactor = new Redactor();
    const tokens = Array.from({ length: 100_000 }, (_, i) => `tok${i}-${'x'.repeat(20)}${(i * 7919) % 100_003}`);
    for (const t of tokens) redactor.add(t);
    const text = tokens.map((t, i) => `webhook ${i}: ${t}\n`).join('');
    const out = redactor.redact(text);
    expect(out).not.toMatch(/tok\d+-x/);
    expect(out.split('\n', 3)).toEqual(['webhook 0: ***', 'webhook 1: ***', 'webhook 2: ***']);
  });

  it('ignores values too short to be secrets, and masks webhook URLs by shape', () => {
    const redactor = new Redactor();
    redactor.add('short');
    redactor.add(undefined);
    expect(redactor.redact('a short word; https://discord.com/api/webhooks/123456789012345678/abcdefghij')).toBe(
      'a short word; https://discord.com/api/webhooks/123456789012345678/***',
    );
  });
});
