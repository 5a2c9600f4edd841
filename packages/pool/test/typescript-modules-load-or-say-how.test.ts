/**
 * Loading a `.ts` task module: through Node's type stripping where it is on, through tsx
 * otherwise, and without either, an error that says what to do (run in a child process
 * whose module hooks hide tsx, on a Node that does not strip types by default).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { importModule, isTypeScriptModule, nodeStripsTypes } from '../src/internal/import-module.js';

const typed = new URL('./fixtures/typed-task.ts', import.meta.url).href;

describe('importModule', () => {
  test('tells TypeScript modules by extension, query and hash ignored', () => {
    expect(['a.ts', 'a.mts', 'a.cts', 'file:///x/a.ts?v=1', 'a.ts#h'].map(isTypeScriptModule)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['a.js', 'a.mjs', 'a.d.ts.js', 'file:///x/ts'].map(isTypeScriptModule)).toEqual([false, false, false, false]);
  });

  test('loads a .ts module (type stripping or tsx)', async () => {
    const loaded = (await importModule(typed)) as { double(ctx: unknown, x: number): number };
    expect(loaded.double(null, 21)).toBe(42);
  });

  test.skipIf(nodeStripsTypes())('without type stripping or tsx: an error that says what to use', () => {
    const dist = new URL('../dist/internal/import-module.js', import.meta.url).href;
    const script = `import(${JSON.stringify(dist)}).then((m) => m.importModule(${JSON.stringify(typed)})).then(() => console.log('loaded'), (e) => console.log(e.message))`;
    const r = spawnSync(
      process.execPath,
      ['--import', fileURLToPath(new URL('./fixtures/no-tsx.mjs', import.meta.url)), '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    expect(r.stdout).toMatch(
      /typed-task\.ts is a TypeScript module, and Node\.js v\d+\.\d+\.\d+ does not strip types by default/,
    );
    expect(r.stdout).toMatch(/use Node\.js >= 22\.18 .*install tsx \(npm install --save-dev tsx\)/);
  });
});
