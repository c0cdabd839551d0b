/**
 * The last API requests the sandbox answered (not admin requests), so tests can count calls
 * and 429s. Webhook tokens in paths are replaced by `:token`.
 */
export interface RequestLogEntry {
  method: string;
  /** The request path (no query), token masked, e.g. `/api/v10/webhooks/123/:token`. */
  path: string;
  /** The matched route template, e.g. `POST /channels/:channel_id/webhooks`, or null. */
  route: string | null;
  status: number;
  /** X-RateLimit-Bucket of the response, or null. */
  bucket: string | null;
  /** Set on 429s: which limit was hit. */
  scope?: 'user' | 'shared' | 'global';
  /** Set when fault injection took this request (src/sandbox/http/faults.ts); status 0 = no answer sent. */
  fault?: string;
  /** ISO 8601 time the request arrived. */
  time: string;
  /** The bot's user id for authenticated requests. */
  bot_id: string | null;
}

const REQUEST_LOG_CAPACITY = 5000;

export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private start = 0;

  constructor(private readonly capacity = REQUEST_LOG_CAPACITY) {}

  add(entry: RequestLogEntry): void {
    if (this.entries.length < this.capacity) {
      this.entries.push(entry);
      return;
    }
    this.entries[this.start] = entry;
    this.start = (this.start + 1) % this.capacity;
  }

  list(): RequestLogEntry[] {
    return [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)];
  }

  clear(): void {
    this.entries.length = 0;
    this.start = 0;
  }
}

const TOKEN_IN_PATH = /(\/webhooks\/[^/]+\/)([^/]+)/;

export function maskWebhookToken(path: string): string {
  return path.replace(TOKEN_IN_PATH, '$1:token');
}
