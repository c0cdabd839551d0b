/**
 * One signal that many requests in flight listen to (the client's "stop everything" after a
 * 401, the caller's Ctrl-C), fanned out to a Set of callbacks. An AbortSignal's own list is
 * searched for duplicates on every add: a plan of 1000 guilds has 1000 requests in flight
 * at once, which made each add cost 1000 steps.
 */
export class AbortFanout {
  private readonly listeners = new Set<() => void>();
  private stopped = false;

  /** Follows `signal` when given (one listener on it); otherwise aborts only through abort(). */
  constructor(signal?: AbortSignal) {
    if (signal?.aborted) this.stopped = true;
    else signal?.addEventListener('abort', () => this.abort(), { once: true });
  }

  get aborted(): boolean {
    return this.stopped;
  }

  abort(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const listener of [...this.listeners]) listener();
    this.listeners.clear();
  }

  /** Calls `listener` once when this aborts (not when it already has: check `aborted`); returns the way to stop listening. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
