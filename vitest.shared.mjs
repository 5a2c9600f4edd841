// Shared vitest settings for every workspace: one JSON report per package when CI asks
// for it (AME_TEST_REPORT_DIR), so .ci/run can print one "N passed, N failed" line.
import { join } from 'node:path';

/** @param {string} name package name, used for the report file */
export function sharedTestConfig(name) {
  const dir = process.env.AME_TEST_REPORT_DIR;
  const file = name.replace(/[@/]/g, '_');
  return {
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 60_000,
      reporters: dir ? ['default', ['json', { outputFile: join(dir, `${file}.json`) }]] : ['default'],
    },
  };
}
