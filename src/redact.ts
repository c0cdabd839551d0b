/**
 * Secrets never leave the process: anything printed, logged or written to a plan file
 * passes through a Redactor that knows every secret value seen so far (bot token, webhook
 * tokens, Bearer tokens, signing secrets) and masks webhook URLs by shape as a backstop.
 */
const WEBHOOK_URL_TOKEN = /(\/webhooks\/\d{15,25}\/)([A-Za-z0-9_.-]{8,})/g;
/** The runtime's callback tokens (runtime/callbacks/callback-token.ts): too many to list, masked by shape. */
const CALLBACK_TOKEN = /\bcft1\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
/** Very short values would mask ordinary words; real tokens are long. Also the width of the search window below. */
const MIN_SECRET_LENGTH = 6;
/** Up to this many secrets, searching the text once per secret (native, fast) costs less than one hashed pass. */
const FEW_SECRETS = 32;

/**
 * A plan of 100 guilds × 1000 webhooks registers 100,000 webhook tokens, and its text can be
 * megabytes: searching the text once per secret would take minutes. Past a few secrets the
 * text is read once instead, with a rolling hash of its next six characters; only where that
 * hash is the start of some secret are those secrets compared. At each position the longest
 * secret that starts there is masked, and the search goes on after it. Either way no secret
 * is left whole in the output.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** Hash of a secret's first six characters → the secrets starting so, longest first. */
  private readonly byStart = new Map<number, string[]>();
  /** One bit per 2^16 hash buckets, so most positions cost no Map lookup. */
  private readonly startBits = new Uint8Array(1 << 13);

  add(secret: string | undefined | null): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    const start = windowHash(secret, 0);
    const starting = this.byStart.get(start);
    if (starting === undefined) {
      this.byStart.set(start, [secret]);
    } else {
      starting.push(secret);
      starting.sort((a, b) => b.length - a.length);
    }
    this.startBits[start >>> 19]! |= 1 << ((start >>> 16) & 7);
  }

  redact(text: string): string {
    const out = this.secrets.size <= FEW_SECRETS ? this.maskEach(text) : this.maskSecrets(text);
    return out.replace(WEBHOOK_URL_TOKEN, (_m, prefix: string) => `${prefix}***`).replace(CALLBACK_TOKEN, 'cft1.***');
  }

  private maskEach(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(maskSecret(secret));
    }
    return out;
  }

  private maskSecrets(text: string): string {
    const parts: string[] = [];
    let kept = 0;
    let hash = windowHash(text, 0);
    for (let i = 0; i + MIN_SECRET_LENGTH <= text.length; ) {
      const secret = this.secretAt(text, i, hash);
      if (secret !== undefined) {
        parts.push(text.slice(kept, i), maskSecret(secret));
        i += secret.length;
        kept = i;
        hash = windowHash(text, i);
        continue;
      }
      hash = rollHash(hash, text.charCodeAt(i), text.charCodeAt(i + MIN_SECRET_LENGTH));
      i += 1;
    }
    if (kept === 0) return text;
    parts.push(text.slice(kept));
    return parts.join('');
  }

  private secretAt(text: string, at: number, hash: number): string | undefined {
    if ((this.startBits[hash >>> 19]! & (1 << ((hash >>> 16) & 7))) === 0) return undefined;
    return this.byStart.get(hash)?.find((secret) => text.startsWith(secret, at));
  }
}

const BASE = 0x01000193;
/** BASE^(MIN_SECRET_LENGTH - 1) mod 2^32: what the character leaving the window contributed. */
const LEAVING = Array.from({ length: MIN_SECRET_LENGTH - 1 }).reduce<number>((power) => Math.imul(power, BASE), 1);

/** Polynomial hash (mod 2^32) of the MIN_SECRET_LENGTH characters at `at`; NaN characters past the end count as 0. */
function windowHash(text: string, at: number): number {
  let hash = 0;
  for (let i = at; i < at + MIN_SECRET_LENGTH; i++) hash = (Math.imul(hash, BASE) + (text.charCodeAt(i) || 0)) >>> 0;
  return hash;
}

/** The window moved one character: `leaving` drops out of its start, `entering` joins its end. */
function rollHash(hash: number, leaving: number, entering: number): number {
  return (Math.imul((hash - Math.imul(leaving, LEAVING)) >>> 0, BASE) + (entering || 0)) >>> 0;
}

/** A secret is always shown as `***`: no prefix, no length hint. */
export function maskSecret(_secret: string): string {
  return '***';
}

/** A webhook URL with its token replaced by `***`. */
export function maskWebhookUrl(url: string): string {
  return url.replace(WEBHOOK_URL_TOKEN, (_m, prefix: string) => `${prefix}***`);
}
