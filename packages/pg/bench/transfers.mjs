#!/usr/bin/env node
// Tiny transfers per second on embedded PostgreSQL: PgQueue with 1, 2 and 4 workers and
// with 2 processes, against the loop a user writes by hand with `pg` (BEGIN ISOLATION
// LEVEL SERIALIZABLE; SELECT; 2 UPDATEs; COMMIT, retried on 40001/40P01), as ratios
// measured in the same run on the same server.
//
//   npm run bench --workspace=@ame/pg -- [--sync on|off] [--tasks 8000] [--accounts 10000] [--hand 1500]
import { fork } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { PgHeap, PgQueue, taskRef } from '../dist/index.js';

const transfer = taskRef(new URL('./tasks.mjs', import.meta.url), 'transfer');

if (process.argv[2] === '--child') {
  const [, , , connectionString, namespace, count, workers, seed] = process.argv;
  const heap = await PgHeap.open({ connectionString, namespace });
  const q = new PgQueue({ heap, workers: Number(workers) });
  await q.whenReady();
  addTransfers(q, Number(count), Number(heap.tarray('accounts').length), Number(seed));
  process.send?.('ready');
  await new Promise((resolve) => process.once('message', resolve));
  const report = await q.run();
  process.send?.({ commits: report.commits, ms: report.durationMs });
  await q.close();
  await heap.close();
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    sync: { type: 'string', default: 'on' },
    tasks: { type: 'string', default: '4000' },
    accounts: { type: 'string', default: '10000' },
    hand: { type: 'string', default: '1000' },
  },
});
const TASKS = Number(values.tasks);
const ACCOUNTS = Number(values.accounts);
const HAND = Number(values.hand);

function addTransfers(q, n, accounts, seed) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % accounts;
  };
  const args = [];
  for (let i = 0; i < n; i++) {
    const from = next();
    let to = next();
    if (to === from) to = (to + 1) % accounts;
    args.push([from, to, 1]);
  }
  q.addMany(transfer, args);
}

const heap = await PgHeap.open({ settings: { synchronous_commit: values.sync } });
const accounts = heap.tarray('accounts', ACCOUNTS);
heap.atomically(() => {
  for (let i = 0; i < ACCOUNTS; i++) accounts.set(i, 1000);
});
const client = new pg.Client({ connectionString: heap.connectionString });
client.on('error', () => {});
await client.connect();
const sync = (await client.query('SHOW synchronous_commit')).rows[0].synchronous_commit;

// The hand-written anchor, on its own table.
await client.query('CREATE TABLE hand_accounts (id int PRIMARY KEY, balance float8 NOT NULL)');
await client.query('INSERT INTO hand_accounts SELECT g, 1000 FROM generate_series(0, $1::int - 1) g', [ACCOUNTS]);
async function handLoop(n) {
  let s = 7;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % ACCOUNTS;
  };
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const from = next();
    const to = (from + 1 + (next() % (ACCOUNTS - 1))) % ACCOUNTS;
    for (;;) {
      try {
        await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        const { rows } = await client.query('SELECT balance FROM hand_accounts WHERE id = $1', [from]);
        if (rows[0].balance >= 1) {
          await client.query('UPDATE hand_accounts SET balance = balance - 1 WHERE id = $1', [from]);
          await client.query('UPDATE hand_accounts SET balance = balance + 1 WHERE id = $1', [to]);
        }
        await client.query('COMMIT');
        break;
      } catch (error) {
        await client.query('ROLLBACK');
        if (error.code !== '40001' && error.code !== '40P01') throw error;
      }
    }
  }
  return n / ((performance.now() - t0) / 1000);
}

async function queueRow(workers) {
  const q = new PgQueue({ heap, workers });
  try {
    await q.whenReady();
    addTransfers(q, TASKS, ACCOUNTS, workers * 31 + 5);
    const report = await q.run();
    return { rate: report.commits / (report.durationMs / 1000), aborts: report.aborts };
  } finally {
    await q.close();
  }
}

async function twoProcesses(workersEach) {
  const kids = [0, 1].map((k) =>
    fork(new URL(import.meta.url), [
      '--child',
      heap.connectionString,
      heap.namespace,
      String(TASKS / 2),
      String(workersEach),
      String(k + 11),
    ]),
  );
  const failed = new Promise((_, reject) =>
    kids.forEach((kid) => kid.once('exit', (code) => code !== 0 && reject(new Error(`bench child exited with ${code}`)))),
  );
  await Promise.race([Promise.all(kids.map((kid) => new Promise((resolve) => kid.once('message', resolve)))), failed]);
  const t0 = performance.now();
  const done = kids.map((kid) => new Promise((resolve) => kid.once('message', resolve)));
  for (const kid of kids) kid.send('go');
  const results = await Promise.race([Promise.all(done), failed]);
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(kids.map((kid) => new Promise((resolve) => (kid.exitCode !== null ? resolve() : kid.once('exit', resolve)))));
  return { rate: results.reduce((a, r) => a + r.commits, 0) / seconds, aborts: 0 };
}

await handLoop(200); // warm-up
const hand = await handLoop(HAND);
console.error(`  hand loop: ${hand.toFixed(0)} tx/s`);
const rows = [];
for (const workers of [1, 2, 4]) {
  rows.push([`PgQueue, ${workers} worker${workers > 1 ? 's' : ''}`, await queueRow(workers)]);
  console.error(`  ${rows.at(-1)[0]}: ${rows.at(-1)[1].rate.toFixed(0)} tx/s`);
}
rows.push(['PgQueue, 2 processes x 2 workers', await twoProcesses(2)]);
const handAgain = await handLoop(HAND);
const anchor = (hand + handAgain) / 2;

const sum = heap.snapshot().accounts.reduce((a, b) => a + b, 0);
console.log(
  `@ame/pg tiny transfers, embedded PostgreSQL, ${os.availableParallelism()} cores, synchronous_commit=${sync}, ${ACCOUNTS} accounts, ${TASKS} tasks per row, batchSize 32`,
);
console.log(`${'row'.padEnd(36)} ${'tx/s'.padStart(9)} ${'vs hand'.padStart(8)} ${'aborts'.padStart(7)}`);
console.log(
  `${'hand-written pg loop (1 connection)'.padEnd(36)} ${anchor.toFixed(0).padStart(9)} ${'1.00x'.padStart(8)} ${'-'.padStart(7)}   (before ${hand.toFixed(0)}, after ${handAgain.toFixed(0)})`,
);
for (const [name, r] of rows) {
  console.log(
    `${name.padEnd(36)} ${r.rate.toFixed(0).padStart(9)} ${`${(r.rate / anchor).toFixed(2)}x`.padStart(8)} ${String(r.aborts).padStart(7)}`,
  );
}
console.log(`sum of accounts conserved: ${sum === ACCOUNTS * 1000 ? 'yes' : `NO (${sum})`}`);
await client.end();
await heap.close();
