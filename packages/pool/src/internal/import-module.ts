/**
 * Imports a task module by URL, in whichever thread asks (workers and the calling thread).
 *
 * JavaScript modules go to `import()`. TypeScript modules (`.ts`, `.mts`, `.cts`) need their
 * types stripped first:
 *
 * 1. Node's own type stripping when this process has it: on by default from Node 22.18 and
 *    23.6 (`process.features.typescript`), or on 22.6+ started with
 *    `--experimental-strip-types` (worker threads inherit the flag with `process.execArgv`).
 *    Erasable syntax only (no `enum`, `namespace`), and relative imports name the `.ts` file.
 * 2. Otherwise [tsx](https://tsx.is), when the application has it installed (an optional
 *    peer dependency): its `tsImport()` loads that module (and what it imports) without
 *    registering a loader for the rest of the process.
 * 3. Otherwise the import fails with a message that says which of the two to use.
 */
const TYPESCRIPT = /\.[cm]?ts$/;

/** Whether `url` names a TypeScript module (by its extension, query and hash ignored). */
export function isTypeScriptModule(url: string): boolean {
  return TYPESCRIPT.test(url.replace(/[?#].*$/, ''));
}

/** Whether this process strips TypeScript types itself. */
export function nodeStripsTypes(): boolean {
  const features = process.features as { typescript?: string | false };
  if (features.typescript) return true;
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return flags.some((f) => f === '--experimental-strip-types' || f === '--experimental-transform-types');
}

interface Tsx {
  tsImport(specifier: string, parentURL: string): Promise<Record<string, unknown>>;
}

let tsx: Promise<Tsx | undefined> | undefined;

/** tsx's API, if the application installed tsx (resolved once per thread). */
function loadTsx(): Promise<Tsx | undefined> {
  // A variable specifier: tsx is optional, and neither TypeScript nor bundlers should require it.
  const specifier = 'tsx/esm/api';
  tsx ??= (import(specifier) as Promise<Tsx>).catch(() => undefined);
  return tsx;
}

/** Imports the module at `url` (a `file:` URL or any specifier `import()` takes); see the file header for `.ts`. */
export async function importModule(url: string): Promise<Record<string, unknown>> {
  if (!isTypeScriptModule(url) || nodeStripsTypes()) return (await import(url)) as Record<string, unknown>;
  const api = await loadTsx();
  if (api === undefined) {
    throw new Error(
      `${url} is a TypeScript module, and Node.js ${process.version} does not strip types by default: ` +
        'use Node.js >= 22.18 (or >= 22.6 with --experimental-strip-types), install tsx (npm install --save-dev tsx), ' +
        'or point the task reference at the compiled .js file',
    );
  }
  return api.tsImport(url, import.meta.url);
}
