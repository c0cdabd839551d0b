import type { RouteInfo } from './route-key.js';

/**
 * The FIFO of requests waiting for one route and major parameter. Ordered by the request's
 * sequence number rather than by arrival, so a retried request keeps its place ahead of
 * requests that were made after it — "in order within a bucket" survives retries.
 */
export interface Waiter<P> {
  /** Assigned once per logical request; retries reuse it. */
  seq: number;
  /** Local time before which this attempt must not go out (retry backoff). */
  notBefore: number;
  route: RouteInfo;
  grant(permit: P): void;
  fail(error: unknown): void;
}

export class BucketQueue<P> {
  private readonly waiters: Waiter<P>[] = [];

  constructor(readonly key: string) {}

  get size(): number {
    return this.waiters.length;
  }

  /** Sequence number of the head, or +∞ when empty (sorts last). */
  headSeq(): number {
    return this.waiters[0]?.seq ?? Number.POSITIVE_INFINITY;
  }

  peek(): Waiter<P> | undefined {
    return this.waiters[0];
  }

  shift(): Waiter<P> | undefined {
    return this.waiters.shift();
  }

  /** Inserts keeping seq order; new requests have the highest seq, so this is an append. */
  insert(waiter: Waiter<P>): void {
    let i = this.waiters.length;
    while (i > 0 && (this.waiters[i - 1]?.seq ?? 0) > waiter.seq) i -= 1;
    this.waiters.splice(i, 0, waiter);
  }

  remove(waiter: Waiter<P>): boolean {
    const i = this.waiters.indexOf(waiter);
    if (i === -1) return false;
    this.waiters.splice(i, 1);
    return true;
  }

  /** Removes and returns every waiter. */
  drain(): Waiter<P>[] {
    return this.waiters.splice(0, this.waiters.length);
  }
}
