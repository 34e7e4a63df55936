import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
    // tfjs backends are process-global; forks keep each test file's backend state separate.
    pool: 'forks',
  },
});
