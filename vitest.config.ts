import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start their own sandboxes on port 0; two cores is the norm here.
    pool: 'forks',
    maxWorkers: 2,
  },
});
