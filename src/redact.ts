/**
 * Secrets never leave the process: anything printed, logged or written to a plan file
 * passes through a Redactor that knows every secret value seen so far (bot token, webhook
 * tokens, Bearer tokens, signing secrets) and masks webhook URLs by shape as a backstop.
 */
const WEBHOOK_URL_TOKEN = /(\/webhooks\/\d{15,25}\/)([A-Za-z0-9_.-]{8,})/g;
/** The runtime's callback tokens (runtime/callbacks/callback-token.ts): too many to list, masked by shape. */
const CALLBACK_TOKEN = /\bcft1\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined | null): void {
    // Very short values would mask ordinary words; real tokens are long.
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(maskSecret(secret));
    }
    return out.replace(WEBHOOK_URL_TOKEN, (_m, prefix: string) => `${prefix}***`).replace(CALLBACK_TOKEN, 'cft1.***');
  }
}

/** A secret is always shown as `***`: no prefix, no length hint. */
export function maskSecret(_secret: string): string {
  return '***';
}

/** A webhook URL with its token replaced by `***`. */
export function maskWebhookUrl(url: string): string {
  return url.replace(WEBHOOK_URL_TOKEN, (_m, prefix: string) => `${prefix}***`);
}
