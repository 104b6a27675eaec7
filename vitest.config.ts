import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'console/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // expect.poll waits as long as the browser tests' locators do (1 s by default): a loaded CI
    // machine may take longer than that to render a change or store a settled layout.
    expect: { poll: { timeout: 15_000 } },
  },
});
