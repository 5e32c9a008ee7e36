import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Every REST answer of the gateway and the sandboxes is checked against its OpenAPI document.
    setupFiles: ['tests/support/contract-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores here: more workers only make each test slower and flakier.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
