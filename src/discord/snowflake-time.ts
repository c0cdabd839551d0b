/**
 * When a snowflake was made: its top 42 bits are milliseconds since Discord's epoch, the
 * first second of 2015 (https://discord.com/developers/docs/reference#snowflakes). An audit
 * log entry has no timestamp field; its id is when it happened.
 */
const DISCORD_EPOCH = 1420070400000n;

/** ISO 8601 (UTC) time of a snowflake; the id must be digits (as Discord sends them). */
export function snowflakeTime(id: string): string {
  return new Date(Number((BigInt(id) >> 22n) + DISCORD_EPOCH)).toISOString();
}
