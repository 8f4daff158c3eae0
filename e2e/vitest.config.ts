import { defineConfig } from 'vitest/config';

// Browser tests: one server and one Chromium for the whole run, files in sequence.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
