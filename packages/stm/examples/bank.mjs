// A bank on @ame/stm: worker threads move money between accounts with no lock written,
// while an auditor thread checks the total in consistent snapshots.
// Run: npm start (from the repository root), or node examples/bank.mjs here after a build.
import os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Heap } from '@ame/stm';

const ACCOUNTS = 1000;
const TRANSFERS = 200_000;

if (isMainThread) {
  const workers = Math.max(2, os.availableParallelism());
  const heap = Heap.create();
  const accounts = heap.tarray('accounts', ACCOUNTS, 'f64');
  heap.atomically(() => {
    for (let i = 0; i < ACCOUNTS; i++) accounts.set(i, 100);
  });
  console.log(`@ame/stm bank: ${workers} workers x ${TRANSFERS / workers} transfers over ${ACCOUNTS} accounts`);
  const started = performance.now();
  const done = Array.from({ length: workers }, (_, w) => {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { handle: heap.handle, seed: w + 1, transfers: TRANSFERS / workers },
    });
    return new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  });
  let audits = 0;
  const audit = setInterval(() => {
    const total = heap.atomically(() => accounts.toArray().reduce((a, b) => a + b, 0));
    if (total !== ACCOUNTS * 100) throw new Error(`audit saw ${total}`);
    audits++;
  }, 5);
  const moved = (await Promise.all(done)).reduce((a, b) => a + b, 0);
  clearInterval(audit);
  const ms = performance.now() - started;
  const total = accounts.toArray().reduce((a, b) => a + b, 0);
  const stats = heap.stats();
  console.log(`moved ${moved} in ${ms.toFixed(0)} ms (${Math.round((TRANSFERS / ms) * 1000).toLocaleString('en')} transfers/s)`);
  console.log(`total ${total} (expected ${ACCOUNTS * 100}), ${audits} consistent audits during the run`);
  console.log(
    `commits ${stats.commits}, conflict aborts ${stats.aborts.conflict}, heap ${(stats.bytesUsed / 1024).toFixed(0)} KiB used`,
  );
} else {
  const heap = Heap.attach(workerData.handle);
  const accounts = heap.tarray('accounts');
  let seed = workerData.seed;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  let moved = 0;
  for (let k = 0; k < workerData.transfers; k++) {
    const from = Math.floor(random() * ACCOUNTS);
    const to = Math.floor(random() * ACCOUNTS);
    moved += heap.atomically(() => {
      const amount = Math.min(accounts.get(from), 10);
      accounts.set(from, accounts.get(from) - amount);
      accounts.set(to, accounts.get(to) + amount);
      return amount;
    });
  }
  heap.detach();
  parentPort.postMessage(moved);
}
