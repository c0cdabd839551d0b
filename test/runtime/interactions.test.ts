import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_AGE_SECONDS,
  MAX_SKEW_SECONDS,
  REPLAY_WINDOW_MS,
  publicKeyFromHex,
  ReplayGuard,
  verifyInteractionRequest,
} from '../../src/runtime/interaction-verify.js';
import { optionValues, parseInteraction } from '../../src/runtime/interactions.js';
import { fuzzRuns } from '../support/fuzz.js';

/** The interaction verifier and its replay guard, without any network. */
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const publicHex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
const key = publicKeyFromHex(publicHex);
const other = generateKeyPairSync('ed25519');

const NOW = 1_750_000_000_000;
const body = Buffer.from(JSON.stringify({ id: '1', application_id: '2', type: 1, token: 't', version: 1 }));

function signed(timestamp: string, payload = body, signer = privateKey) {
  const signature = sign(null, Buffer.concat([Buffer.from(timestamp), payload]), signer).toString('hex');
  return { signature, timestamp, body: payload };
}

const seconds = (ms: number) => String(Math.floor(ms / 1000));

describe('verifyInteractionRequest', () => {
  it('accepts a fresh, correctly signed request', () => {
    expect(verifyInteractionRequest(key, signed(seconds(NOW)), NOW)).toEqual({ ok: true });
  });

  it('rejects missing, malformed, forged and tampered signatures', () => {
    const good = signed(seconds(NOW));
    expect(verifyInteractionRequest(key, { ...good, signature: undefined }, NOW)).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifyInteractionRequest(key, { ...good, timestamp: undefined }, NOW)).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifyInteractionRequest(key, { ...good, signature: 'zz' }, NOW)).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(verifyInteractionRequest(key, { ...good, timestamp: '12a' }, NOW)).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(verifyInteractionRequest(key, signed(seconds(NOW), body, other.privateKey), NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyInteractionRequest(key, { ...good, body: Buffer.from(`${body.toString()} `) }, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    // The timestamp is part of what is signed.
    expect(verifyInteractionRequest(key, { ...good, timestamp: seconds(NOW - 1000) }, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects timestamps older than 5 minutes or more than 1 minute ahead', () => {
    expect(verifyInteractionRequest(key, signed(seconds(NOW - 299_000)), NOW).ok).toBe(true);
    expect(verifyInteractionRequest(key, signed(seconds(NOW - 301_000)), NOW)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyInteractionRequest(key, signed(seconds(NOW + 59_000)), NOW).ok).toBe(true);
    expect(verifyInteractionRequest(key, signed(seconds(NOW + 61_000)), NOW)).toEqual({ ok: false, reason: 'future' });
  });

  it('never throws and never accepts arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string()), fc.uint8Array({ maxLength: 256 }), (signature, timestamp, bytes) => {
        const verdict = verifyInteractionRequest(
          key,
          { signature: signature ?? undefined, timestamp: timestamp ?? undefined, body: Buffer.from(bytes) },
          NOW,
        );
        expect(verdict.ok).toBe(false);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('a malformed public key is refused up front', () => {
    expect(() => publicKeyFromHex('abc')).toThrow(/64 hex/);
  });
});

describe('ReplayGuard', () => {
  it('flags an id seen before', () => {
    const guard = new ReplayGuard();
    expect(guard.check('a', NOW)).toBe('new');
    expect(guard.check('a', NOW + 1000)).toBe('replay');
    expect(guard.check('b', NOW)).toBe('new');
  });

  it('remembers every id for the whole timestamp window (age limit + clock skew)', () => {
    const guard = new ReplayGuard();
    expect(REPLAY_WINDOW_MS).toBe((MAX_AGE_SECONDS + MAX_SKEW_SECONDS) * 1000);
    guard.check('a', NOW);
    for (let i = 0; i < 20_000; i += 1) guard.check(`other-${i}`, NOW + 1);
    expect(guard.check('a', NOW + REPLAY_WINDOW_MS - 1)).toBe('replay');
    expect(guard.check('a', NOW + REPLAY_WINDOW_MS)).toBe('new');
  });

  it('when full, refuses new ids instead of forgetting old ones, until they expire', () => {
    const guard = new ReplayGuard(3, 60_000);
    for (const id of ['a', 'b', 'c']) expect(guard.check(id, NOW)).toBe('new');
    expect(guard.check('d', NOW + 1)).toBe('full');
    expect(guard.size).toBe(3);
    expect(guard.check('a', NOW + 2)).toBe('replay');
    expect(guard.check('d', NOW + 60_000)).toBe('new');
    expect(guard.check('a', NOW + 60_000)).toBe('new');
  });
});

describe('interaction parsing and args', () => {
  it('accepts only objects with id, application_id, token and a numeric type', () => {
    expect(parseInteraction(body)).toMatchObject({ id: '1', type: 1 });
    expect(parseInteraction(Buffer.from('[]'))).toBeNull();
    expect(parseInteraction(Buffer.from('{"id":1}'))).toBeNull();
    expect(parseInteraction(Buffer.from('not json'))).toBeNull();
  });

  it('joins option values, with sub-command names in place', () => {
    expect(optionValues([{ name: 'text', type: 3, value: 'hi' }, { name: 'n', type: 4, value: 2 }])).toEqual(['hi', '2']);
    expect(optionValues([{ name: 'add', type: 1, options: [{ name: 'who', type: 6, value: '42' }] }])).toEqual(['add', '42']);
  });
});
