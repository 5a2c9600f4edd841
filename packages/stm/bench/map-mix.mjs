// Map mix: tasks doing ~50 µs of CPU work and 4 map accesses each (80% get, 20% set) over
// 10,000 Zipf-distributed keys (exponent 1). Plain JS Map, sequential, against a TMap in a
// heap shared by N worker_threads, each running its share of the same tasks as transactions.
// Reports wall time, the ratio, commits and conflicts. Also runs as the worker itself.
// Run: node bench/map-mix.mjs [workers=2] [tasks=20000] (in packages/stm, after npm run build).
import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Heap } from '../dist/index.js';

const KEYS = 10_000;
const SPIN = 12_000; // about 50 µs of integer mixing on the 2-core machine

function spin(n, seed) {
  let h = seed | 0;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ i;
  return h >>> 0;
}

/** Task t's four accesses: [key, isSet] pairs, Zipf over KEYS, from a seeded PRNG. */
function plan(tasks) {
  const cdf = new Float64Array(KEYS);
  let total = 0;
  for (let k = 0; k < KEYS; k++) cdf[k] = total += 1 / (k + 1);
  let a = 12345;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = () => {
    const u = next() * total;
    let lo = 0;
    let hi = KEYS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return `key:${lo}`;
  };
  return Array.from({ length: tasks }, () => Array.from({ length: 4 }, () => [pick(), next() < 0.2]));
}

function runTask(map, t, accesses) {
  const h = spin(SPIN, t);
  let sum = 0;
  for (const [key, isSet] of accesses) {
    if (isSet) map.set(key, (map.get(key) ?? 0) + (h & 7));
    else sum += map.get(key) ?? 0;
  }
  return sum;
}

if (!isMainThread) {
  const { handle, from, to, tasks } = workerData;
  const heap = Heap.attach(handle);
  const map = heap.tmap('mix');
  const work = plan(tasks);
  let attempts = 0;
  for (let t = from; t < to; t++) {
    heap.atomically(() => {
      attempts++;
      return runTask(map, t, work[t]);
    });
  }
  heap.detach();
  parentPort.postMessage({ attempts });
} else {
  const workers = Number(process.argv[2] ?? 2);
  const tasks = Number(process.argv[3] ?? 20_000);
  const work = plan(tasks);
  const plain = new Map();
  for (let k = 0; k < KEYS; k++) plain.set(`key:${k}`, 0);
  for (let t = 0; t < 200; t++) runTask(plain, t, work[t]); // warm-up
  const t0 = performance.now();
  for (let t = 0; t < tasks; t++) runTask(plain, t, work[t]);
  const plainMs = performance.now() - t0;

  const heap = Heap.create();
  const map = heap.tmap('mix');
  heap.atomically(() => {
    for (let k = 0; k < KEYS; k++) map.set(`key:${k}`, 0);
  });
  const t1 = performance.now();
  const per = Math.ceil(tasks / workers);
  const results = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const worker = new Worker(new URL(import.meta.url), {
        workerData: { handle: heap.handle, from: w * per, to: Math.min(tasks, (w + 1) * per), tasks },
      });
      return new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    }),
  );
  const stmMs = performance.now() - t1;
  const stats = heap.stats();
  const attempts = results.reduce((n, r) => n + r.attempts, 0);
  console.log(
    `map mix (80% get / 20% set, Zipf 1 over ${KEYS} keys, ~50 µs per task): ${os.cpus().length} cores, Node ${process.version}`,
  );
  console.log(`plain Map, sequential:   ${plainMs.toFixed(0)} ms for ${tasks} tasks`);
  console.log(
    `TMap, ${workers} workers:         ${stmMs.toFixed(0)} ms (includes starting the workers)  ${(plainMs / stmMs).toFixed(2)}x plain`,
  );
  console.log(`attempts ${attempts} for ${tasks} tasks, conflicts ${stats.aborts.conflict}`);
}
