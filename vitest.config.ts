import { defineConfig } from 'vitest/config';

// One Vitest run covers the server. Each integration test file builds its own fresh database
// (server/test/harness.ts), so files can run in parallel workers.
export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'agent/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
