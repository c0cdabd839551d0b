import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/, spec §"Signature scheme"):
 * `webhook-signature: v1,<base64 HMAC-SHA256(secret, "${id}.${timestamp}.${body}")>`.
 * A `whsec_`-prefixed secret is base64 of the key bytes; any other secret is used as
 * UTF-8 bytes, so operators can paste either form.
 */
export interface SignatureInput {
  id: string;
  /** Unix seconds. */
  timestamp: number;
  body: string;
  secret: string;
}

function secretKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

export function computeSignature({ id, timestamp, body, secret }: SignatureInput): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three Standard Webhooks headers for one delivery. */
export function signatureHeaders(input: SignatureInput): Record<string, string> {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': computeSignature(input),
  };
}

/**
 * Checks a `webhook-signature` header (space-separated list of `v1,<sig>`) for a delivery;
 * used by the example server and tests. Constant-time comparison.
 */
export function verifySignature(input: SignatureInput & { header: string }): boolean {
  const expected = Buffer.from(computeSignature(input));
  return input.header
    .split(' ')
    .map((candidate) => Buffer.from(candidate))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
}
