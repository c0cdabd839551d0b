/**
 * One signal that many requests listen to while queued and in flight (the client's "stop
 * everything" after a 401, the caller's Ctrl-C), fanned out to a Set of callbacks. An
 * AbortSignal's own list is searched for duplicates on every add: a plan of 1000 guilds has
 * 1000 requests waiting at once, which made each add cost 1000 steps.
 */
export class AbortFanout {
  private readonly listeners = new Set<() => void>();
  private stopped = false;
  private why: unknown;

  /** Follows `signal` when given (one listener on it, and its reason); otherwise aborts only through abort(). */
  constructor(signal?: AbortSignal) {
    if (signal?.aborted) {
      this.stopped = true;
      this.why = signal.reason;
    } else signal?.addEventListener('abort', () => this.abort(signal.reason), { once: true });
  }

  get aborted(): boolean {
    return this.stopped;
  }

  /** The followed signal's reason (or abort()'s); undefined until aborted. */
  get reason(): unknown {
    return this.why;
  }

  abort(reason?: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.why = reason;
    for (const listener of [...this.listeners]) listener();
    this.listeners.clear();
  }

  /** Calls `listener` once when this aborts (not when it already has: check `aborted`); returns the way to stop listening. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
