import { PgHeap, PgQueue, taskRef } from '../dist/index.js';
const BANK = new URL('../test/fixtures/bank-tasks.mjs', import.meta.url);
const heap = await PgHeap.open();
try {
  const acc = heap.tarray('accounts', 6);
  heap.tvar('total', 0);
  heap.tcounter('hits', 0);
  heap.tvar('journal', []);
  heap.atomically(() => {
    for (let i = 0; i < 6; i++) acc.set(i, 100);
  });
  for (const ordered of [false, true]) {
    const q = new PgQueue({ heap, workers: 2, ordered, onError: 'continue', recordHistory: true });
    for (let i = 0; i < 200; i++) q.add(taskRef(BANK, 'transfer'), i % 6, (i * 7 + 1) % 6, 5);
    q.add(taskRef(BANK, 'fanOut'), 0, 3, 5);
    q.add(taskRef(BANK, 'withdrawOrThrow'), 1, 1000, true);
    q.add(taskRef(BANK, 'hit'), 2);
    q.add(taskRef(BANK, 'lucky'), 2);
    q.add(taskRef(BANK, 'audit'));
    const t0 = performance.now();
    const r = await q.run();
    console.log(
      ordered,
      performance.now() - t0,
      'ms',
      r.tasks,
      r.commits,
      r.aborts,
      r.errors.map((e) => e.message),
      r.results.slice(-5),
      r.conflicts.slice(0, 3),
      r.warnings,
    );
    await q.close();
  }
  console.log(heap.snapshot());
} finally {
  await heap.close();
}
