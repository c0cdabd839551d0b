/**
 * Property-test run counts. `npm test` uses the base count with a fresh seed each run (fast-check
 * prints the seed of a failure, so it can be replayed); `npm run fuzz` multiplies every count by
 * CORDFORM_FUZZ_SCALE to search much longer before a release.
 */
export function fuzzRuns(base: number): number {
  const scale = Number(process.env.CORDFORM_FUZZ_SCALE ?? '1');
  return Number.isFinite(scale) && scale > 0 ? Math.max(1, Math.round(base * scale)) : base;
}
