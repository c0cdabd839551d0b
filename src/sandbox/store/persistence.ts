import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CordformError } from '../../errors.js';
import { validateSeed } from './seed-validate.js';
import { STATE_FORMAT, STATE_VERSION, type PersistedState } from './state.js';

/**
 * `--state FILE`: load if present, and write after every mutation atomically (temp file in
 * the same directory, fsync, rename, fsync the directory), so a crash mid-write leaves the
 * last good file. Bursts of mutations coalesce into one write; `flush()` (called by
 * `close()`) waits until everything acknowledged so far is on disk.
 */
export async function loadStateFile(path: string): Promise<PersistedState | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CordformError('sandbox_state_unreadable', `cannot read sandbox state file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, `not valid JSON (${(error as Error).message})`);
  }
  const problem = checkState(value);
  if (problem) throw corrupt(path, problem);
  return value as PersistedState;
}

function corrupt(path: string, why: string): CordformError {
  return new CordformError(
    'sandbox_state_corrupt',
    `sandbox state file ${path} is corrupt: ${why}. Move it away to start from the seed again.`,
    { details: { file: path } },
  );
}

function checkState(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
  const state = value as Record<string, unknown>;
  if (state.format !== STATE_FORMAT) return `"format" must be "${STATE_FORMAT}"`;
  if (state.version !== STATE_VERSION) return `unsupported version ${JSON.stringify(state.version)}`;
  const seedIssues = validateSeed(state.seed);
  if (seedIssues.length > 0) return `invalid "seed" (${seedIssues[0]!.path.join('.')}: ${seedIssues[0]!.message})`;
  if (!Array.isArray(state.webhooks)) return '"webhooks" must be a list';
  for (const webhook of state.webhooks as unknown[]) {
    const w = webhook as Record<string, unknown> | null;
    if (!w || typeof w.id !== 'string' || typeof w.channel_id !== 'string' || typeof w.guild_id !== 'string' || typeof w.token !== 'string') {
      return 'a webhook entry lacks id, channel_id, guild_id or token';
    }
  }
  if (typeof state.messages !== 'object' || state.messages === null || Array.isArray(state.messages)) {
    return '"messages" must be an object of lists';
  }
  for (const list of Object.values(state.messages as Record<string, unknown>)) {
    if (!Array.isArray(list)) return '"messages" must be an object of lists';
  }
  if (!Array.isArray(state.audit_log)) return '"audit_log" must be a list';
  return null;
}

/** Writes `text` to `path` atomically: temp file + fsync + rename (+ directory fsync). */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  try {
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // Directory fsync is not supported everywhere (e.g. Windows); the rename is still atomic.
  }
}

/**
 * Coalescing writer: `schedule()` after each mutation; at most one write runs at a time and
 * a burst of mutations becomes one more write. `flush()` resolves once every mutation
 * scheduled before the call is on disk.
 */
export class StatePersister {
  private dirty = false;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastError: unknown = null;

  constructor(
    private readonly path: string,
    private readonly serialize: () => string,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly delayMs = 5,
  ) {}

  schedule(): void {
    this.dirty = true;
    if (this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain();
    }, this.delayMs);
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    for (;;) {
      if (this.running) {
        await this.running;
        continue;
      }
      if (!this.dirty) break;
      await this.drain();
      if (this.lastError) break;
    }
    if (this.lastError) {
      const error = this.lastError;
      this.lastError = null;
      throw error;
    }
  }

  private drain(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      while (this.dirty) {
        this.dirty = false;
        try {
          await writeFileAtomic(this.path, this.serialize());
          this.lastError = null;
        } catch (error) {
          // Keep the data dirty: the next mutation or flush() tries again.
          this.dirty = true;
          this.lastError = error;
          this.onError(error);
          break;
        }
      }
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
