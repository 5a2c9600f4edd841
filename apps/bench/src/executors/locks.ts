/**
 * The hand-written lock-based version on worker_threads: the state in a SharedArrayBuffer
 * (Float64), an Int32 futex-style lock per element taken in key order (../locks/).
 */
import { Worker } from 'node:worker_threads';
import { mapKey } from '../kernels.js';
import { word } from '../words.js';
import {
  ABSENT,
  COUNT,
  NEXT,
  OP_CODES,
  OP_WIDTH,
  QUEUE_HEAD,
  QUEUE_ITEMS,
  QUEUE_TAIL,
  WAITS,
  layoutFor,
  viewsOf,
  type Layout,
  type Views,
} from '../locks/layout.js';
import { mapState, type Op, type OpName, type State, type Variant } from '../workloads/types.js';
import type { Executor, RunOutcome, Session } from './types.js';

const WORKER = new URL('../locks/worker.js', import.meta.url);
const CODE = new Map<OpName, number>(OP_CODES.map((name, code) => [name, code]));

function spawn(buffer: SharedArrayBuffer, layout: Layout): Promise<Worker> {
  const worker = new Worker(WORKER, { workerData: { buffer, layout } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => {
      worker.off('error', reject);
      resolve(worker);
    });
  });
}

/** Posts 'run' to every worker; resolves when all answered 'done'. */
function runOn(workers: readonly Worker[]): Promise<void> {
  return Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          const onError = (error: Error): void => reject(error);
          w.once('error', onError);
          w.once('message', () => {
            w.off('error', onError);
            resolve();
          });
          w.postMessage({ type: 'run' });
        }),
    ),
  ).then(() => undefined);
}

/** A result as the other executors report it. */
function decode(name: OpName, value: number): unknown {
  if (name === 'transfer') return value === 1;
  return Number.isNaN(value) ? null : value;
}

function snapshot(variant: Variant, layout: Layout, views: Views): State {
  const state: State = {};
  variant.state.forEach((o, k) => {
    const at = layout.objects[k]!.offset;
    if (o.kind === 'map') {
      const entries: [string, number][] = [];
      const name = o.keys === 'words' ? word : mapKey;
      for (let key = 0; key < o.length; key++) {
        const v = views.data[at + key]!;
        if (!Number.isNaN(v)) entries.push([name(key), v]);
      }
      state[o.name] = mapState(entries);
    } else if (o.kind === 'queue') {
      const items = at + QUEUE_ITEMS;
      state[o.name] = Array.from(views.data.subarray(items + views.data[at + QUEUE_HEAD]!, items + views.data[at + QUEUE_TAIL]!));
    } else state[o.name] = o.kind === 'array' ? Array.from(views.data.subarray(at, at + o.length)) : views.data[at]!;
  });
  return state;
}

export function lockExecutor(workers: number): Executor {
  return {
    id: `locks-${workers}`,
    family: 'locks (worker_threads)',
    label: `locks (${workers} worker${workers === 1 ? '' : 's'})`,
    workers,
    about:
      'hand-written: SharedArrayBuffer state, an Atomics spin/wait lock per key (per possible key of a map) taken in key order',
    check: 'invariants',
    async open(variant: Variant): Promise<Session> {
      const layout = layoutFor(variant.state, variant.ops.length);
      const buffer = new SharedArrayBuffer(layout.bytes);
      const views = viewsOf(buffer, layout);
      const pool = await Promise.all(Array.from({ length: workers }, () => spawn(buffer, layout)));
      return {
        async run(ops: readonly Op[]): Promise<RunOutcome> {
          variant.state.forEach((o, k) =>
            views.data.fill(
              o.kind === 'map' ? ABSENT : o.initial,
              layout.objects[k]!.offset,
              layout.objects[k]!.offset + layout.objects[k]!.length, // a queue: head and tail 0
            ),
          );
          views.locks.fill(0);
          const t0 = performance.now();
          for (let i = 0; i < ops.length; i++) {
            const op = ops[i]!;
            const o = i * OP_WIDTH;
            views.ops[o] = CODE.get(op[0])!;
            for (let a = 1; a < OP_WIDTH; a++) views.ops[o + a] = (op[a] as number | undefined) ?? NaN;
          }
          const addMs = performance.now() - t0;
          Atomics.store(views.control, NEXT, 0);
          Atomics.store(views.control, COUNT, ops.length);
          Atomics.store(views.control, WAITS, 0);
          await runOn(pool);
          const ms = performance.now() - t0;
          const results = ops.map((op, i) => decode(op[0], views.results[i]!));
          return {
            ms,
            addMs,
            commits: ops.length,
            aborts: null,
            lockWaits: Atomics.load(views.control, WAITS),
            results,
            state: snapshot(variant, layout, views),
            sharedBytes: layout.bytes,
            errors: [],
          };
        },
        async close() {
          await Promise.all(
            pool.map(
              (w) =>
                new Promise<void>((resolve) => {
                  w.once('exit', () => resolve());
                  w.postMessage({ type: 'close' });
                  setTimeout(() => void w.terminate(), 2000).unref();
                }),
            ),
          );
        },
      };
    },
  };
}
