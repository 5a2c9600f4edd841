// vitest.config.mjs: checking takes seconds per test (each checked list runs a heap and a
// queue with worker threads per mode), so the tests need more than vitest's default 5 s.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*.test.mjs'],
    testTimeout: 120_000,
  },
});
