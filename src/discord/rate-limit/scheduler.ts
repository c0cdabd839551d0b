import type { AbortFanout } from '../abort-fanout.js';
import { BucketQueue, type Waiter } from './bucket-queue.js';
import { BucketState } from './bucket-state.js';
import { GlobalLimiter } from './global-limiter.js';
import { hasBucketHeaders, type RateLimitInfo } from './rate-limit-headers.js';
import type { RouteInfo } from './route-key.js';

/**
 * Decides when each request attempt may go out, from everything the rate-limit headers
 * told us. One waiting line per (route, major parameter) keeps requests in order; the limit
 * itself lives in a BucketState per (bucket hash, major parameter), which routes sharing a
 * hash share. Until a route's hash is known its state is private to the route and lets one
 * request through at a time.
 *
 * The caller brackets each attempt: `await acquire()` → send → `permit.complete(outcome)`.
 * Every event that may free capacity (a completion, an abort, a timer) runs `pump()`, which
 * walks the lines in request order and grants what the bucket and global limits allow.
 */
export type AttemptOutcome = { kind: 'response'; status: number; info: RateLimitInfo } | { kind: 'no-response' };

export interface Permit {
  /** Records how the attempt ended; returns the bucket's printable key. Call exactly once. */
  complete(outcome: AttemptOutcome): string;
}

export interface AcquireOptions {
  seq: number;
  /** Local time (performance.now) before which the attempt must not go out. */
  notBefore?: number;
  /** Each ends the wait when it aborts, rejecting with its reason (the first to abort wins). */
  aborts?: readonly AbortFanout[];
}

export interface SchedulerOptions {
  globalLimitPerSecond: number;
  /** Added to every computed reset time; covers timer and rounding imprecision. */
  safetyMs?: number;
  now?: () => number;
}

const DEFAULT_429_WAIT_MS = 1000;
const SWEEP_EVERY = 512;

export class RateLimitScheduler {
  private readonly hashes = new Map<string, string>();
  private readonly states = new Map<string, BucketState>();
  private readonly queues = new Map<string, BucketQueue<Permit>>();
  private readonly global: GlobalLimiter;
  private readonly now: () => number;
  private readonly safetyMs: number;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private failure: { error: unknown } | undefined;
  private acquires = 0;

  constructor(options: SchedulerOptions) {
    this.global = new GlobalLimiter(options.globalLimitPerSecond);
    this.now = options.now ?? (() => performance.now());
    this.safetyMs = options.safetyMs ?? 5;
  }

  /** Resolves when this attempt may be sent. */
  acquire(route: RouteInfo, options: AcquireOptions): Promise<Permit> {
    if (this.failure) return Promise.reject(this.failure.error);
    const aborts = options.aborts ?? [];
    const aborted = aborts.find((abort) => abort.aborted);
    if (aborted) return Promise.reject(aborted.reason);
    if (++this.acquires % SWEEP_EVERY === 0) this.sweep();
    return new Promise<Permit>((resolve, reject) => {
      const queue = this.queueFor(route);
      const stopListening = (): void => {
        for (const unsubscribe of subscriptions) unsubscribe();
      };
      const waiter: Waiter<Permit> = {
        seq: options.seq,
        notBefore: options.notBefore ?? 0,
        route,
        grant: (permit) => {
          stopListening();
          resolve(permit);
        },
        fail: (error) => {
          stopListening();
          reject(error);
        },
      };
      const subscriptions = aborts.map((abort) =>
        abort.subscribe(() => {
          if (!queue.remove(waiter)) return;
          stopListening();
          reject(abort.reason);
          this.pump();
        }),
      );
      queue.insert(waiter);
      this.pump();
    });
  }

  /** Rejects everything waiting and everything asked for later (e.g. after a 401). */
  failAll(error: unknown): void {
    this.failure ??= { error };
    for (const queue of this.queues.values()) for (const waiter of queue.drain()) waiter.fail(error);
    this.queues.clear();
    this.arm(Number.POSITIVE_INFINITY);
  }

  /** Number of attempts waiting for a permit (for tests and metrics). */
  get waiting(): number {
    let total = 0;
    for (const queue of this.queues.values()) total += queue.size;
    return total;
  }

  private queueFor(route: RouteInfo): BucketQueue<Permit> {
    const key = `${route.routeKey}\u0000${route.major}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new BucketQueue<Permit>(key);
      this.queues.set(key, queue);
    }
    return queue;
  }

  private stateKey(route: RouteInfo): string {
    const hash = this.hashes.get(route.routeKey);
    return hash === undefined ? `route\u0000${route.routeKey}\u0000${route.major}` : `hash\u0000${hash}\u0000${route.major}`;
  }

  private stateFor(route: RouteInfo): BucketState {
    const key = this.stateKey(route);
    let state = this.states.get(key);
    if (!state) {
      state = new BucketState(this.safetyMs);
      this.states.set(key, state);
    }
    return state;
  }

  private bucketLabel(route: RouteInfo): string {
    return `${this.hashes.get(route.routeKey) ?? route.routeKey}:${route.majorLabel}`;
  }

  /**
   * A response named the route's bucket hash. Every state the route built while its hash
   * was unknown (one per major parameter) becomes — or merges into — the hash's state, so
   * requests in flight keep being counted where they now belong.
   */
  private learnHash(routeKey: string, hash: string): void {
    if (this.hashes.get(routeKey) === hash) return;
    const wasUnknown = !this.hashes.has(routeKey);
    this.hashes.set(routeKey, hash);
    if (!wasUnknown) return;
    const prefix = `route\u0000${routeKey}\u0000`;
    for (const [key, state] of [...this.states]) {
      if (!key.startsWith(prefix)) continue;
      const major = key.slice(prefix.length);
      const targetKey = `hash\u0000${hash}\u0000${major}`;
      const target = this.states.get(targetKey);
      if (target) state.mergeInto(target);
      else this.states.set(targetKey, state);
      this.states.delete(key);
    }
  }

  private grantPermit(route: RouteInfo, reserved: BucketState): Permit {
    let done = false;
    return {
      complete: (outcome) => {
        if (!done) {
          done = true;
          this.completeAttempt(route, reserved, outcome);
        }
        return this.bucketLabel(route);
      },
    };
  }

  private completeAttempt(route: RouteInfo, reserved: BucketState, outcome: AttemptOutcome): void {
    const now = this.now();
    reserved.resolve().release();
    if (route.botAuth) this.global.finish(now);
    if (outcome.kind === 'response') {
      const { info, status } = outcome;
      if (info.bucket !== undefined) this.learnHash(route.routeKey, info.bucket);
      const state = this.stateFor(route);
      if (status === 429) this.onRateLimited(route, state, info, now);
      else if (hasBucketHeaders(info)) state.update(info, now);
      else if (status < 300) state.markUnlimited();
    }
    this.pump();
  }

  /**
   * A 429 despite our accounting (another process on the same token, a shared resource
   * limit, or the global limit). `global` stops every bot request; `shared` and `user`
   * pause the bucket. The request itself is retried by the caller.
   */
  private onRateLimited(route: RouteInfo, state: BucketState, info: RateLimitInfo, now: number): void {
    const wait = info.retryAfterMs ?? info.resetAfterMs ?? DEFAULT_429_WAIT_MS;
    if (info.global && route.botAuth) {
      this.global.pause(wait + this.safetyMs, now);
      return;
    }
    if (info.scope !== 'shared' && hasBucketHeaders(info)) state.update(info, now);
    state.pause(wait, now);
  }

  private pump(): void {
    if (this.failure) return;
    const now = this.now();
    let wake = Number.POSITIVE_INFINITY;
    const queues = [...this.queues.values()].sort((a, b) => a.headSeq() - b.headSeq());
    for (const queue of queues) {
      wake = Math.min(wake, this.drainQueue(queue, now));
      if (queue.size === 0) this.queues.delete(queue.key);
    }
    this.arm(wake);
  }

  /** Grants from the head of `queue` while limits allow; returns when to look again. */
  private drainQueue(queue: BucketQueue<Permit>, now: number): number {
    for (let waiter = queue.peek(); waiter; waiter = queue.peek()) {
      if (waiter.notBefore > now) return waiter.notBefore;
      const { route } = waiter;
      if (route.botAuth) {
        const globalWait = this.global.waitMs(now);
        if (globalWait > 0) return now + globalWait;
      }
      const state = this.stateFor(route);
      const reservation = state.reserve(now);
      if (reservation.kind === 'wait') return now + reservation.ms;
      if (reservation.kind === 'await-response') return Number.POSITIVE_INFINITY;
      if (route.botAuth) this.global.start();
      queue.shift();
      waiter.grant(this.grantPermit(route, state));
    }
    return Number.POSITIVE_INFINITY;
  }

  private arm(at: number): void {
    if (at === this.timerAt && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (!Number.isFinite(at)) return;
    const delay = Math.max(0, Math.ceil(at - this.now()));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, delay);
  }

  /** Forgets idle buckets (a long-running process meets endless interaction ids). */
  private sweep(): void {
    const now = this.now();
    for (const [key, state] of this.states) if (state.isIdle(now)) this.states.delete(key);
  }
}
