// Micro-benchmark of @ame/stm on one thread: ns per transactional read, write and small
// commit, beside plain typed-array access, all measured in this one run.
// Run: npm run bench (in packages/stm, after npm run build).
import os from 'node:os';
import { Heap } from '../dist/index.js';

const REPEATS = 7;

/** Median ns per op of `body(n)` doing n ops, after a warm-up. */
function measure(ops, body) {
  body(ops); // warm-up: let the JIT optimise
  const samples = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = process.hrtime.bigint();
    body(ops);
    samples.push(Number(process.hrtime.bigint() - t0) / ops);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const heap = Heap.create();
const N = 1024;
const arr = heap.tarray('a', N, 'f64');
const plain = new Float64Array(N);
let sink = 0;

const plainRead = measure(2e7, (n) => {
  for (let k = 0; k < n; k++) sink += plain[k & (N - 1)];
});
const plainWrite = measure(2e7, (n) => {
  for (let k = 0; k < n; k++) plain[k & (N - 1)] = k;
});

// Reads inside one long read-only transaction: cost per read.
const txRead = measure(2e6, (n) =>
  heap.atomically(() => {
    for (let k = 0; k < n; k++) sink += arr.get(k & (N - 1));
  }),
);
// Writes buffered inside one long transaction (1024 cells, then committed once).
const txWrite = measure(2e6, (n) =>
  heap.atomically(() => {
    for (let k = 0; k < n; k++) arr.set(k & (N - 1), k);
  }),
);
// Commit cost per written cell: transactions writing 1024 distinct cells each.
const bulkWrite = measure(1e6, (n) => {
  for (let done = 0; done < n; done += N)
    heap.atomically(() => {
      for (let k = 0; k < N; k++) arr.set(k, k);
    });
});
// Empty transaction: begin + read-only commit.
const emptyTx = measure(1e6, (n) => {
  for (let k = 0; k < n; k++) heap.atomically(() => 0);
});
// Small update transaction: 2 reads + 2 writes + commit (a transfer), total per transaction.
const smallTx = measure(5e5, (n) => {
  for (let k = 0; k < n; k++) {
    const i = k & (N - 1);
    const j = (k * 7 + 1) & (N - 1);
    heap.atomically(() => {
      arr.set(i, arr.get(i) - 1);
      arr.set(j, arr.get(j) + 1);
    });
  }
});
const commitOnly = smallTx - 2 * txRead - 2 * txWrite;

// TMap with 1024 string keys holding numbers: get and set inside one long transaction, as above.
const map = heap.tmap('m');
const mapKeys = Array.from({ length: N }, (_, k) => `user:${k}`);
heap.atomically(() => {
  for (const key of mapKeys) map.set(key, 0);
});
const mapGet = measure(2e6, (n) =>
  heap.atomically(() => {
    for (let k = 0; k < n; k++) sink += map.get(mapKeys[k & (N - 1)]);
  }),
);
const mapSet = measure(2e6, (n) =>
  heap.atomically(() => {
    for (let k = 0; k < n; k++) map.set(mapKeys[k & (N - 1)], k);
  }),
);
// The same beside a plain Map.
const plainMap = new Map(mapKeys.map((key) => [key, 0]));
const plainMapGet = measure(2e7, (n) => {
  for (let k = 0; k < n; k++) sink += plainMap.get(mapKeys[k & (N - 1)]);
});

const rows = [
  ['plain Float64Array read', plainRead, ''],
  ['plain Float64Array write', plainWrite, ''],
  ['tx read (TArray.get)', txRead, '<= 30'],
  ['tx write (TArray.set)', txWrite, '<= 60'],
  ['write + its share of a 1024-cell commit', bulkWrite, ''],
  ['empty transaction', emptyTx, ''],
  ['small tx: 2 reads, 2 writes, commit', smallTx, ''],
  ['  of which begin + commit (derived)', commitOnly, '<= 250'],
  ['plain Map get (1024 string keys)', plainMapGet, ''],
  ['tx TMap.get (1024 string keys)', mapGet, '<= 80'],
  ['tx TMap.set (1024 string keys, numbers)', mapSet, '<= 150'],
];
console.log(`@ame/stm micro-benchmark: ${os.cpus().length} cores, Node ${process.version}, median of ${REPEATS}`);
console.log('operation'.padEnd(40), 'ns/op'.padStart(8), 'target'.padStart(8), ' x plain');
for (const [name, ns, target] of rows) {
  const ratio = name.startsWith('plain') ? '' : `  ${(ns / plainRead).toFixed(1)}x`;
  const met = target ? (ns <= Number(target.slice(3)) ? '  met' : '  MISSED') : '';
  console.log(name.padEnd(40), ns.toFixed(1).padStart(8), target.padStart(8), ratio + met);
}
if (sink === 0.5) console.log('');
