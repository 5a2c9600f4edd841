#!/usr/bin/env node
// The `ame-check` command. A committed file (not dist/cli.js), so npm links it at install
// time even in a fresh clone where nothing is built yet; it loads the built CLI.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error(
    'ame-check: the built CLI (@ame/check/dist/cli.js) is missing: run npm run build first (in the AME repository root)',
  );
  process.exit(2);
}
await import(cli.href);
