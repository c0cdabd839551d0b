import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * `X-Cordform-Callback-Token`: what lets an HTTP_POST target act later through
 * `POST {X-CloudCord-APIBase}/v1/actions`, within the scope of the one invocation it was
 * given for.
 *
 * The token is `cft1.<claims>.<mac>`: base64url JSON claims (guild, command, source event,
 * expiry, a nonce) and an HMAC-SHA256 over them with a key drawn at random when the
 * process starts. Why signed rather than stored: verifying needs no memory per invocation
 * (a busy runtime mints hundreds per second, each valid 15 minutes), and nothing has to be
 * kept or shared. The key lives only in this process's memory, so a token is valid only on
 * the process that minted it and dies with it: after a restart every outstanding token is
 * answered 401, which a target must treat as "too late". Deployments with several
 * processes therefore give each its own `--public-url` (a StatefulSet pod's own DNS name).
 *
 * Tokens are secrets: the runtime never logs them, and the Redactor masks their shape.
 */
const CALLBACK_TOKEN_PREFIX = 'cft1';
const CALLBACK_TOKEN_TTL_MS = 15 * 60_000;

export interface CallbackScope {
  guildId: string;
  /** The command's name as declared. */
  command: string;
  /** The message or interaction id that triggered the invocation (for logs). */
  sourceId: string;
}

export interface CallbackClaims extends CallbackScope {
  /** Unix ms. */
  expiresAt: number;
  /** Tells this process's tokens apart, for the rate limit (never logged). */
  nonce: string;
}

export type TokenVerdict = { ok: true; claims: CallbackClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export interface CallbackTokensOptions {
  ttlMs?: number;
  now?: () => number;
}

export class CallbackTokens {
  private readonly key = randomBytes(32);
  private readonly ttlMs: number;
  private readonly now: () => number;
  private minted = 0;

  constructor(options: CallbackTokensOptions = {}) {
    this.ttlMs = options.ttlMs ?? CALLBACK_TOKEN_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  mint(scope: CallbackScope): string {
    // The nonce only has to be unique among this key's tokens (the signature makes it
    // unforgeable): a counter, which costs nothing per HTTP_POST, unlike random bytes.
    this.minted += 1;
    const claims: CallbackClaims = { ...scope, expiresAt: this.now() + this.ttlMs, nonce: this.minted.toString(36) };
    const body = `${CALLBACK_TOKEN_PREFIX}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** Signature first (constant time), then the claims' shape, then expiry. Never throws. */
  verify(token: string): TokenVerdict {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== CALLBACK_TOKEN_PREFIX) return { ok: false, reason: 'malformed' };
    const [, payload = '', mac = ''] = parts;
    const expected = this.mac(`${CALLBACK_TOKEN_PREFIX}.${payload}`);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
    const claims = parseClaims(payload);
    if (!claims) return { ok: false, reason: 'malformed' };
    if (this.now() >= claims.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  private mac(text: string): Buffer {
    return createHmac('sha256', this.key).update(text).digest();
  }
}

function parseClaims(payload: string): CallbackClaims | null {
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const strings = ['guildId', 'command', 'sourceId', 'nonce'].every((key) => typeof value[key] === 'string');
    return strings && typeof value.expiresAt === 'number' ? (value as unknown as CallbackClaims) : null;
  } catch {
    return null;
  }
}
