import { randomBytes } from 'node:crypto';

/** Discord's epoch, the first second of 2015 (https://discord.com/developers/docs/reference#snowflakes). */
const DISCORD_EPOCH = 1420070400000n;

const WORKER_ID = 1n;
const PROCESS_ID = 0n;

/**
 * Real Discord snowflakes: `(ms since DISCORD_EPOCH) << 22 | worker << 17 | process << 12 | increment`.
 * Strictly increasing, also across restarts (seeded with the largest id already persisted)
 * and when the wall clock steps back.
 */
export class SnowflakeGenerator {
  private last: bigint;

  constructor(
    floor: bigint = 0n,
    private readonly now: () => number = Date.now,
  ) {
    this.last = floor;
  }

  /** Raises the floor so that later ids sort after `id` (used when loading state). */
  observe(id: string): void {
    const value = parseSnowflake(id);
    if (value !== null && value > this.last) this.last = value;
  }

  next(): string {
    const timestamp = BigInt(this.now()) - DISCORD_EPOCH;
    let candidate = (timestamp << 22n) | (WORKER_ID << 17n) | (PROCESS_ID << 12n);
    if (candidate <= this.last) candidate = this.last + 1n;
    this.last = candidate;
    return candidate.toString();
  }
}

/** The creation time encoded in a snowflake, in ms since the Unix epoch. */
export function snowflakeTime(id: string): number {
  const value = parseSnowflake(id);
  if (value === null) return 0;
  return Number((value >> 22n) + DISCORD_EPOCH);
}

function parseSnowflake(id: string): bigint | null {
  if (!isSnowflake(id)) return null;
  return BigInt(id);
}

/** A snowflake as Discord accepts it: a decimal string of an unsigned 64-bit integer. */
export function isSnowflake(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) return false;
  return BigInt(value) < 1n << 64n;
}

/** Compares two snowflakes numerically (for sorting lists by id, as Discord returns them). */
export function compareSnowflakes(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A webhook token: 68 random URL-safe characters, like Discord's. */
export function randomWebhookToken(): string {
  // 51 random bytes are exactly 68 base64url characters.
  return randomBytes(51).toString('base64url');
}

/** Discord's ISO 8601 timestamp format, e.g. `2024-01-01T00:00:00.000000+00:00`. */
export function discordTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}
