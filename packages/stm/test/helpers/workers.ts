/**
 * Runs real worker_threads on fixture files (test/fixtures/*.mjs, which import the built
 * package) and collects the value each posts back as { result }. A worker that throws,
 * exits early or outlives the timeout fails the test, and every worker is terminated.
 */
import { Worker } from 'node:worker_threads';

export interface WorkerSpec {
  fixture: string;
  data: Record<string, unknown>;
}

export async function runWorkers<T>(specs: WorkerSpec[], timeoutMs = 90_000): Promise<T[]> {
  const workers = specs.map(
    (spec) => new Worker(new URL(`../fixtures/${spec.fixture}`, import.meta.url), { workerData: spec.data }),
  );
  const results = workers.map(
    (worker, index) =>
      new Promise<T>((resolve, reject) => {
        let settled = false;
        worker.on('message', (message: { result?: T }) => {
          if ('result' in message) {
            settled = true;
            resolve(message.result as T);
          }
        });
        worker.on('error', (error) => {
          settled = true;
          reject(error);
        });
        worker.on('exit', (code) => {
          if (!settled) reject(new Error(`worker ${index} (${specs[index]!.fixture}) exited with code ${code} before reporting`));
        });
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`workers did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([Promise.all(results), timeout]);
  } finally {
    clearTimeout(timer);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** A seed for random choices in workers: FC_SEED if set, else the clock; printed by callers. */
export function testSeed(): number {
  return process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
}
