import { IDENTIFY_INTERVAL_MS, identifyStaggerMs, nextIdentifySlot, rateLimitKey } from './sharding.js';

/**
 * When each shard of this process may send IDENTIFY, after Discord's max_concurrency rule
 * (https://discord.com/developers/docs/events/gateway#sharding-max-concurrency): shards share
 * a rate-limit key `shard_id % max_concurrency`, one IDENTIFY per key per 5 s, buckets
 * started in order. Within the process the gate serializes each key; across processes
 * (one per shard, no coordinator) each bucket identifies only in its own slot of the wall
 * clock when the shard count is known (`nextIdentifySlot`, sharding.ts), else after a
 * stagger from the process start. A shard that still collides — clocks far apart — gets
 * op 9 and tries again, as Discord expects.
 *
 * A ticket's 5 s start when IDENTIFY actually went out (`sent()`), not when the ticket was
 * granted: opening the WebSocket takes a moment that must not eat into the spacing.
 */
export interface IdentifyTicket {
  /** IDENTIFY went out now: the key's next IDENTIFY waits a full interval from here. */
  sent(): void;
  /** Nothing was sent (the connection failed first): the key is free again. */
  cancel(): void;
}

export interface IdentifyGateOptions {
  maxConcurrency: number;
  /** Total shards across every process: enables the wall-clock slots that keep processes apart. */
  shardCount?: number;
  intervalMs?: number;
  /** When the process started (stagger origin without a shard count); default now. */
  startedAt?: number;
}

/** A ticket neither sent nor cancelled within this time counts as sent. */
const TICKET_TIMEOUT_MS = 15_000;

interface Waiter {
  shardId: number;
  readyAt: number;
  grant(ticket: IdentifyTicket): void;
  fail(reason: unknown): void;
}

interface Lane {
  busy: boolean;
  lastSentAt: number;
  waiters: Waiter[];
  timer: NodeJS.Timeout | null;
}

export class IdentifyGate {
  private readonly lanes = new Map<number, Lane>();
  private readonly intervalMs: number;
  private readonly startedAt: number;
  readonly maxConcurrency: number;

  constructor(private readonly options: IdentifyGateOptions) {
    this.intervalMs = options.intervalMs ?? IDENTIFY_INTERVAL_MS;
    this.startedAt = options.startedAt ?? Date.now();
    this.maxConcurrency = Math.max(1, options.maxConcurrency);
  }

  /** Resolves with a ticket when `shardId` may IDENTIFY; rejects when `signal` aborts first. */
  acquire(shardId: number, signal?: AbortSignal): Promise<IdentifyTicket> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const lane = this.lane(rateLimitKey(shardId, this.maxConcurrency));
    return new Promise<IdentifyTicket>((resolve, reject) => {
      const onAbort = () => {
        const index = lane.waiters.indexOf(waiter);
        if (index >= 0) lane.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        shardId,
        readyAt: this.readyAt(shardId),
        grant: (ticket) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(ticket);
        },
        fail: reject,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // Buckets start in order: the lower shard first when both could go.
      lane.waiters.push(waiter);
      lane.waiters.sort((a, b) => a.readyAt - b.readyAt || a.shardId - b.shardId);
      this.pump(lane);
    });
  }

  private readyAt(shardId: number): number {
    const { shardCount } = this.options;
    if (shardCount !== undefined) return nextIdentifySlot(Date.now(), shardId, shardCount, this.maxConcurrency, this.intervalMs);
    return this.startedAt + identifyStaggerMs(shardId, this.maxConcurrency, this.intervalMs);
  }

  private lane(key: number): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { busy: false, lastSentAt: Number.NEGATIVE_INFINITY, waiters: [], timer: null };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private pump(lane: Lane): void {
    if (lane.timer) clearTimeout(lane.timer);
    lane.timer = null;
    if (lane.busy) return;
    const head = lane.waiters[0];
    if (!head) return;
    const at = Math.max(lane.lastSentAt + this.intervalMs, head.readyAt);
    const wait = at - Date.now();
    if (wait > 0) {
      lane.timer = setTimeout(() => {
        lane.timer = null;
        this.pump(lane);
      }, wait);
      lane.timer.unref();
      return;
    }
    lane.waiters.shift();
    lane.busy = true;
    head.grant(this.ticket(lane));
  }

  private ticket(lane: Lane): IdentifyTicket {
    let settled = false;
    const settle = (sentAt: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(expiry);
      if (sentAt !== null) lane.lastSentAt = sentAt;
      lane.busy = false;
      this.pump(lane);
    };
    const expiry = setTimeout(() => settle(Date.now()), TICKET_TIMEOUT_MS);
    expiry.unref();
    return { sent: () => settle(Date.now()), cancel: () => settle(null) };
  }
}
