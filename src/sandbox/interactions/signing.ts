import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';

/**
 * The Ed25519 keys the sandbox signs outgoing interactions with, one pair per bot
 * application, as Discord signs every interaction with the application's key
 * (https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers):
 * `X-Signature-Ed25519` = hex Ed25519 signature of `X-Signature-Timestamp + body`.
 *
 * Keys are derived deterministically from the application id, so the public key of a
 * sandbox application is the same across restarts, resets and machines: a manifest (or
 * the README demo) can pin it. Nothing secret is protected by these keys.
 */
export interface SigningKeys {
  /** 64 hex characters: what goes into a manifest's `discord.public_key`. */
  publicKey: string;
  privateKey: KeyObject;
}

/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows it (RFC 8410 §7). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const cache = new Map<string, SigningKeys>();

/** The key pair derived from a label (32-byte seed = SHA-256 of the label). */
function deriveSigningKeys(label: string): SigningKeys {
  const cached = cache.get(label);
  if (cached) return cached;
  const seed = createHash('sha256').update(label).digest();
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const keys = { publicKey: Buffer.from(jwk.x ?? '', 'base64url').toString('hex'), privateKey };
  cache.set(label, keys);
  return keys;
}

/** The keys of a sandbox application. */
export function applicationSigningKeys(applicationId: string): SigningKeys {
  return deriveSigningKeys(`cordform-sandbox/interactions/${applicationId}`);
}

/** A key pair no application publishes: what `signature: "wrong_key"` signs with. */
export function forgerSigningKeys(): SigningKeys {
  return deriveSigningKeys('cordform-sandbox/interactions/forger');
}

/** Hex Ed25519 signature of `timestamp + body` (the bytes as sent). */
export function signInteraction(privateKey: KeyObject, timestamp: string, body: string): string {
  return sign(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), Buffer.from(body, 'utf8')]), privateKey).toString('hex');
}
