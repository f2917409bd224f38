import { defineConfig } from 'vitest/config';

// Integration tests share one PostgreSQL and one Redis; each test file isolates itself
// (own schema / own key prefix), so files may run in parallel on the two cores.
export default defineConfig({
  test: {
    include: ['apps/*/src/**/*.test.ts', 'libs/*/src/**/*.test.ts', 'tools/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['tools/test/global-setup.ts'],
  },
});
