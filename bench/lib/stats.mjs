/** Small statistics helpers for the benchmarks (all figures in milliseconds). */

export function median(values) {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of a list of numbers. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function round(value, digits = 1) {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Milliseconds since an arbitrary origin, on the monotonic clock shared by every process of the machine. */
export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs `fn` and returns its wall time in ms along with its result. */
export async function timed(fn) {
  const started = nowMs();
  const value = await fn();
  return { ms: nowMs() - started, value };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
