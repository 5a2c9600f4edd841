// Sums vitest JSON reports (one per package, written when AME_TEST_REPORT_DIR is set)
// and prints the single plain summary line CI reads: "N passed, N failed".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
// Checks outside vitest that failed (lint), counted as failures.
const extraFailed = Number(process.argv[3] ?? 0) || 0;
let passed = 0;
let failed = extraFailed;
let files = 0;
for (const name of readdirSync(dir)) {
  if (!name.endsWith('.json')) continue;
  const report = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  if (report.success === false && (report.numFailedTests ?? 0) === 0) failed += 1;
  files += 1;
}
if (files === 0) failed += 1; // no report at all means the test command did not run
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
