import { open, type FileHandle } from 'node:fs/promises';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import type { PersistedState } from './state.js';
import type { StateOp } from './state-ops.js';

/**
 * Durability for `--state FILE`: a write-ahead journal next to the snapshot.
 *
 * Every StateOp is appended to `FILE.journal` as one JSON line with its sequence number.
 * Appends are group-committed: whatever accumulated while the last append was being written
 * goes out in one write followed by one fdatasync. `durable()` resolves once everything
 * recorded before the call is on disk, and the sandbox answers a request only after that,
 * so a write answered 2xx survives `kill -9` at any moment.
 *
 * When the journal grows past COMPACT_BYTES (and at start and on close), the whole state is
 * written to FILE atomically (temp file, fsync, rename, directory fsync) with `journal_seq`
 * = the last op it contains, and the journal is truncated. A crash between the two leaves
 * entries the snapshot already holds; replay skips them by their sequence number.
 */
const COMPACT_BYTES = 4 * 1024 * 1024;

export function journalPath(statePath: string): string {
  return `${statePath}.journal`;
}

export interface JournalOptions {
  /** Reports a failed write (the requests waiting on it are answered 500). */
  onError?: (error: unknown) => void;
  /** Compact once the journal holds this many bytes (default COMPACT_BYTES). */
  compactBytes?: number;
}

interface Waiter {
  seq: number;
  resolve(): void;
  reject(error: unknown): void;
}

export class Journal {
  private seq: number;
  private durableSeq: number;
  /** Lines not yet written, in sequence order. */
  private pending: Array<{ seq: number; line: string }> = [];
  private waiters: Waiter[] = [];
  private writing: Promise<void> | null = null;
  /** Bytes of complete, synced lines in the journal file. */
  private bytes = 0;
  private failure: unknown = null;
  private closed = false;

  private constructor(
    private readonly statePath: string,
    private readonly handle: FileHandle,
    private readonly snapshot: () => PersistedState,
    private readonly options: Required<JournalOptions>,
    seq: number,
  ) {
    this.seq = seq;
    this.durableSeq = seq;
  }

  /**
   * Opens the journal after a load: writes the current state as the snapshot (so what was
   * replayed is compacted and a torn tail is gone) and starts an empty journal.
   */
  static async open(statePath: string, snapshot: () => PersistedState, lastSeq: number, options: JournalOptions = {}): Promise<Journal> {
    const handle = await open(journalPath(statePath), 'a', 0o600);
    const journal = new Journal(statePath, handle, snapshot, { onError: () => {}, compactBytes: COMPACT_BYTES, ...options }, lastSeq);
    await journal.compact();
    return journal;
  }

  /** Records a change (already applied in memory); it is written with the next group. */
  record(op: StateOp): void {
    // A request still finishing after close() changes memory only; the file was final.
    if (this.closed) return;
    this.seq += 1;
    this.pending.push({ seq: this.seq, line: `${JSON.stringify({ seq: this.seq, ...op })}\n` });
    this.kick();
  }

  /** Resolves once every op recorded so far is on disk; rejects when writing it failed. */
  durable(): Promise<void> {
    if (this.durableSeq >= this.seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq: this.seq, resolve, reject });
      this.kick();
    });
  }

  /** Makes everything durable, compacts into the snapshot and closes the journal file. */
  async close(): Promise<void> {
    await this.durable();
    this.closed = true;
    await this.writing;
    await this.compact();
    await this.handle.close();
  }

  private kick(): void {
    if (this.writing) return;
    // setImmediate lets the ops of the requests handled in this turn join one group.
    this.writing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.writing = null;
        if (this.pending.length > 0 && this.failure === null) this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      const text = batch.map((entry) => entry.line).join('');
      try {
        await this.handle.write(text);
        await this.handle.datasync();
      } catch (error) {
        await this.fail(batch, error);
        return;
      }
      this.failure = null;
      this.bytes += Buffer.byteLength(text);
      this.settle(batch[batch.length - 1]!.seq);
      if (this.bytes >= this.options.compactBytes) await this.compact().catch((error: unknown) => this.options.onError(error));
    }
  }

  /**
   * A failed append: cut the file back to its last synced line (no torn line may stay in the
   * middle), fail the waiting requests, and keep the lines for the next attempt.
   */
  private async fail(batch: Array<{ seq: number; line: string }>, error: unknown): Promise<void> {
    this.failure = error;
    this.pending.unshift(...batch);
    await this.handle.truncate(this.bytes).catch(() => {});
    this.options.onError(error);
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) waiter.reject(error);
    // Try again later; a request waiting meanwhile gets the next outcome.
    setTimeout(() => {
      this.failure = null;
      if (this.pending.length > 0) this.kick();
    }, 100).unref();
  }

  /** Everything up to the current op goes into the snapshot; the journal starts over. */
  private async compact(): Promise<void> {
    const upTo = this.seq;
    await writeFileAtomic(this.statePath, JSON.stringify({ ...this.snapshot(), journal_seq: upTo }));
    await this.handle.truncate(0);
    await this.handle.datasync();
    this.bytes = 0;
    // Ops recorded while the snapshot was taken are in it: they need no journal line.
    this.pending = this.pending.filter((entry) => entry.seq > upTo);
    this.settle(upTo);
  }

  private settle(seq: number): void {
    if (seq > this.durableSeq) this.durableSeq = seq;
    const ready = this.waiters.filter((waiter) => waiter.seq <= this.durableSeq);
    this.waiters = this.waiters.filter((waiter) => waiter.seq > this.durableSeq);
    for (const waiter of ready) waiter.resolve();
  }
}
