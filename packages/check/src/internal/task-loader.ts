/**
 * Imports task modules on the main thread for replays, and turns exported functions back
 * into references (for ctx.add(fn)), as the executors' workers do.
 */
import { TaskLoadError, type TaskRef } from '@ame/pool';
import { importModule } from '@ame/pool/internal';

export type TaskFn = (ctx: unknown, ...args: unknown[]) => unknown;

export class ReplayLoader {
  private readonly modules = new Map<string, Record<string, unknown> | Error>();
  private readonly refs = new Map<unknown, TaskRef>();

  /** The function `name` of `module`, or the error an executor would have failed the task with. */
  async load(module: string, name: string): Promise<TaskFn | Error> {
    let loaded = this.modules.get(module);
    if (loaded === undefined) {
      try {
        loaded = await importModule(module);
        for (const [key, value] of Object.entries(loaded)) {
          if (typeof value === 'function' && !this.refs.has(value)) this.refs.set(value, Object.freeze({ module, name: key }));
        }
      } catch (error) {
        loaded = error instanceof Error ? error : new Error(String(error));
      }
      this.modules.set(module, loaded);
    }
    if (loaded instanceof Error)
      return new TaskLoadError(name, module, `the module failed to load (${loaded.name}: ${loaded.message})`, loaded);
    const fn = loaded[name];
    if (typeof fn !== 'function') return new TaskLoadError(name, module, `no exported function ${JSON.stringify(name)}`);
    return fn as TaskFn;
  }

  refFor(fn: unknown): TaskRef | undefined {
    return this.refs.get(fn);
  }
}
