import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Verifying Discord's interaction requests
 * (https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers):
 * `X-Signature-Ed25519` is the hex Ed25519 signature of `X-Signature-Timestamp` followed by
 * the raw body, made with the application's key; the manifest's `discord.public_key` (hex)
 * checks it with node:crypto. On top of Discord's rule, a timestamp more than 5 minutes old
 * or 1 minute in the future is refused, and an interaction id seen before is a replay.
 */
export const MAX_AGE_SECONDS = 5 * 60;
export const MAX_SKEW_SECONDS = 60;

export type VerifyFailure = 'missing_signature' | 'malformed_signature' | 'bad_signature' | 'stale' | 'future';

export type Verdict = { ok: true } | { ok: false; reason: VerifyFailure };

export interface SignedRequest {
  signature: string | undefined;
  timestamp: string | undefined;
  body: Buffer;
}

const HEX_SIGNATURE = /^[0-9a-f]{128}$/i;
const UNIX_SECONDS = /^\d{1,12}$/;

/** The public key from its 64 hex characters (a 32-byte raw Ed25519 key). Throws when malformed. */
export function publicKeyFromHex(hex: string): KeyObject {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('public_key must be 64 hex characters');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(hex, 'hex').toString('base64url') }, format: 'jwk' });
}

/** Signature first (so the timestamp can be trusted), then its age. Never throws. */
export function verifyInteractionRequest(key: KeyObject, request: SignedRequest, nowMs: number): Verdict {
  const { signature, timestamp } = request;
  if (!signature || !timestamp) return { ok: false, reason: 'missing_signature' };
  if (!HEX_SIGNATURE.test(signature) || !UNIX_SECONDS.test(timestamp)) return { ok: false, reason: 'malformed_signature' };
  let valid = false;
  try {
    valid = verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), request.body]), key, Buffer.from(signature, 'hex'));
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: 'bad_signature' };
  const age = nowMs / 1000 - Number(timestamp);
  if (age > MAX_AGE_SECONDS) return { ok: false, reason: 'stale' };
  if (age < -MAX_SKEW_SECONDS) return { ok: false, reason: 'future' };
  return { ok: true };
}

/**
 * Interaction ids already handled, bounded in count and time: an LRU of at most `max` ids,
 * each forgotten after `ttlMs`. The TTL outlives the 5-minute timestamp window, so a
 * captured request can never be replayed: it is either remembered or stale.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly max = 10_000,
    private readonly ttlMs = 15 * 60_000,
  ) {}

  /** Records `id`; true when it was already there (a replay). */
  check(id: string, nowMs: number): boolean {
    this.evict(nowMs);
    const at = this.seen.get(id);
    if (at !== undefined) return true;
    this.seen.set(id, nowMs);
    if (this.seen.size > this.max) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    return false;
  }

  get size(): number {
    return this.seen.size;
  }

  private evict(nowMs: number): void {
    for (const [id, at] of this.seen) {
      if (nowMs - at <= this.ttlMs) break;
      this.seen.delete(id);
    }
  }
}
