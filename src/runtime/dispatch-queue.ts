/**
 * A bounded queue per lane with a concurrency limit per lane. Lanes are commands for HTTP
 * work (a hung target fills only the lane of the commands bound to it, whatever origin it
 * shares with others) and channels or webhooks for Discord writes. Other lanes keep being
 * served, and once a lane's queue is full new work for it is refused at once (dropped and
 * counted by the caller) instead of growing memory. Work waiting in a lane leaves it when its
 * signal aborts (the action's deadline or shutdown), so queue time counts against the
 * deadline too.
 */
export class QueueFullError extends Error {
  constructor(readonly key: string) {
    super(`queue for ${key} is full`);
    this.name = 'QueueFullError';
  }
}

export interface DispatchQueueOptions {
  /** Tasks running at once per key. */
  concurrency: number;
  /** Tasks waiting per key beyond those running; more are refused. */
  maxQueue: number;
}

interface Waiter {
  start(): void;
  abandon(reason: unknown): void;
}

interface Lane {
  active: number;
  waiting: Waiter[];
}

export class DispatchQueue {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly options: DispatchQueueOptions) {
    if (options.concurrency < 1 || options.maxQueue < 0) throw new RangeError('invalid queue bounds');
  }

  /** Runs `task` when the key's lane has room; rejects with QueueFullError when it is full. */
  run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const lane = this.lane(key);
    if (lane.active < this.options.concurrency) return this.start(key, lane, task);
    if (lane.waiting.length >= this.options.maxQueue) return Promise.reject(new QueueFullError(key));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => waiter.abandon(signal?.reason);
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          this.start(key, lane, task).then(resolve, reject);
        },
        abandon: (reason) => {
          const index = lane.waiting.indexOf(waiter);
          if (index >= 0) lane.waiting.splice(index, 1);
          this.release(key, lane, false);
          reject(reason);
        },
      };
      lane.waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Running and waiting tasks for a key (for tests and debug logs). */
  size(key: string): { active: number; waiting: number } {
    const lane = this.lanes.get(key);
    return { active: lane?.active ?? 0, waiting: lane?.waiting.length ?? 0 };
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { active: 0, waiting: [] };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private start<T>(key: string, lane: Lane, task: () => Promise<T>): Promise<T> {
    lane.active += 1;
    let result: Promise<T>;
    try {
      result = task();
    } catch (error) {
      result = Promise.reject(error);
    }
    return result.finally(() => this.release(key, lane, true));
  }

  private release(key: string, lane: Lane, finished: boolean): void {
    if (finished) {
      lane.active -= 1;
      const next = lane.waiting.shift();
      if (next) {
        next.start();
        return;
      }
    }
    if (lane.active === 0 && lane.waiting.length === 0) this.lanes.delete(key);
  }
}
