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

type VerifyFailure = 'missing_signature' | 'malformed_signature' | 'bad_signature' | 'stale' | 'future';

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

/** How long an interaction id must be remembered: as long as its signed timestamp can still
 * pass the age check (a timestamp may be up to MAX_SKEW_SECONDS ahead of our clock). */
export const REPLAY_WINDOW_MS = (MAX_AGE_SECONDS + MAX_SKEW_SECONDS) * 1000;

export type ReplayVerdict = 'new' | 'replay' | 'full';

/**
 * Interaction ids already handled. Every id is remembered for REPLAY_WINDOW_MS after it
 * arrived, so a captured request can never be replayed: while it is remembered it is a
 * replay, afterwards its timestamp is stale. Forgetting an id early would reopen that hole,
 * so when `max` ids are remembered the guard refuses new deliveries ('full', answered 503)
 * until old ones expire, instead of dropping the oldest. Only correctly signed requests
 * reach the guard, so filling it takes Discord itself delivering `max` interactions within
 * the window.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly max = 100_000,
    private readonly ttlMs = REPLAY_WINDOW_MS,
  ) {}

  /** Records `id` when it is new and there is room. */
  check(id: string, nowMs: number): ReplayVerdict {
    this.evict(nowMs);
    if (this.seen.has(id)) return 'replay';
    if (this.seen.size >= this.max) return 'full';
    this.seen.set(id, nowMs);
    return 'new';
  }

  get size(): number {
    return this.seen.size;
  }

  /** Ids are kept in arrival order, so expiry stops at the first one still inside the window. */
  private evict(nowMs: number): void {
    for (const [id, at] of this.seen) {
      if (nowMs - at < this.ttlMs) break;
      this.seen.delete(id);
    }
  }
}
