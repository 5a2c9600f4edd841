import { TaskLoadError } from './errors.js';
import { anyArray } from './internal/arrays.js';
import { importModule } from './internal/import-module.js';
import type { TaskFunction, TaskRef } from './task-ref.js';

/**
 * Imports task modules by URL, once per thread, and resolves export names to functions,
 * also by the batch's task id (an array lookup per task). A failed import is remembered:
 * every task of that module then fails with the same TaskLoadError instead of importing again.
 */
export class TaskLoader {
  private readonly modules = new Map<string, Record<string, unknown> | Error>();
  /** Exported functions of loaded modules, to turn `ctx.add(fn)` into a reference. */
  private readonly refs = new Map<unknown, TaskRef>();
  /** Task id -> function, filled by load(). */
  private readonly ids: (TaskFunction | undefined)[] = anyArray();

  /** The function of task id `id` if load() resolved it in this thread. */
  byId(id: number): TaskFunction | undefined {
    return this.ids[id];
  }

  /** The reference of a function exported by a loaded task module, if it is one. */
  refFor(fn: unknown): TaskRef | undefined {
    return this.refs.get(fn);
  }

  /** Imports `module` in the background (once); its errors surface when a task needs it. */
  preload(module: string): void {
    this.importModule(module).catch(() => {});
  }

  /** The module's namespace, or the error its import threw (imported once per thread). */
  private importModule(module: string): Promise<Record<string, unknown> | Error> {
    let pending = this.imports.get(module);
    if (!pending) {
      pending = importModule(module).then(
        (loaded: Record<string, unknown>) => {
          for (const [key, value] of Object.entries(loaded)) {
            if (typeof value === 'function' && !this.refs.has(value)) this.refs.set(value, Object.freeze({ module, name: key }));
          }
          return loaded;
        },
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      this.imports.set(module, pending);
    }
    return pending;
  }

  private readonly imports = new Map<string, Promise<Record<string, unknown> | Error>>();

  /** The function `name` exported by `module`, importing it first if needed; remembered as task id `id`. */
  async load(module: string, name: string, id?: number): Promise<TaskFunction> {
    let loaded = this.modules.get(module);
    if (loaded === undefined) {
      loaded = await this.importModule(module);
      this.modules.set(module, loaded);
    }
    if (loaded instanceof Error) {
      throw new TaskLoadError(name, module, `the module failed to load (${loaded.name}: ${loaded.message})`, loaded);
    }
    const fn = loaded[name];
    if (fn === undefined) {
      const exported = Object.keys(loaded).filter((k) => typeof loaded[k] === 'function');
      throw new TaskLoadError(
        name,
        module,
        `the module has no export named ${JSON.stringify(name)} (its functions: ${exported.join(', ') || 'none'})`,
      );
    }
    if (typeof fn !== 'function') {
      throw new TaskLoadError(
        name,
        module,
        `the export ${JSON.stringify(name)} is a ${fn === null ? 'null' : typeof fn}, not a function`,
      );
    }
    if (id !== undefined) {
      // No holes: every loader's array keeps one elements kind, so the claim loop's lookup
      // that the warm-up optimised does not deoptimise on the user's first batch.
      while (this.ids.length < id) this.ids.push(undefined);
      this.ids[id] = fn as TaskFunction;
    }
    return fn as TaskFunction;
  }
}
