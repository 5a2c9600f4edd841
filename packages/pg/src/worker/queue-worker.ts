/**
 * A PgQueue worker: its own `pg` connection, a transaction engine in 'async' mode, and
 * the task modules. It runs one chunk (a list of consecutive or arbitrary task indices)
 * at a time, as batches; see the commit protocol at the top of ../queue.ts.
 *
 * Chunk loop:
 *   1. Execute every pending task in batch order (passes; misses fetched in one round
 *      trip per pass, E1-E4 in internal/tx.ts) until a pass completes.
 *   2. Ordered: wait for the chunk's turn (control[TURN] === chunk) (Q3).
 *   3. Commit the pending tasks up to the first that must run alone (and, ordered with
 *      onError 'stop', up to the first failure) in one ame_commit call (Q1, Q2).
 *   4. Committed tasks are final (afterCommit runs now); conflicted ones stay pending
 *      with attempt + 1 and run again (the cache is dropped). A task that called
 *      ctx.inevitable() or aborted maxAttempts times runs alone (Q5).
 *   5. Ordered: control[TURN] = chunk + 1, notify.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { encodeValue, type Heap } from '@ame/stm';
import { AsyncTaskError, serializeError, type SerializedError, TaskValueError, type TaskRef } from '@ame/pool';
import { TaskContextImpl, TaskLoader } from '@ame/pool/internal';
import { Objects } from '../handles.js';
import { backoffMs, sleep, toPgValues } from '../internal/backoff.js';
import { ADVISORY_CLASS, advisoryKey, commitSql, fetchSql, openSql, RETRY_STATES } from '../internal/sql.js';
import { BatchTask, Engine, MISS, type ObjectKind } from '../internal/tx.js';
import { STOP, TURN, type ChunkMessage, type TaskOutcome, type WorkerData, type WorkerReply } from '../internal/protocol.js';

const data = workerData as WorkerData;
const port = parentPort!;
const control = new Int32Array(data.control);
const lockKey = advisoryKey(data.ns);

// ---------- connection: reconnects, retries serialization failures (Q4) ----------

let client: pg.Client | null = null;
/** Fault injection for tests: AME_PG_FAULT=lose-commit-reply drops the reply of each worker's first commit. */
let loseCommitReply = process.env.AME_PG_FAULT === 'lose-commit-reply';
let warnings: string[] = [];
let reconnects = 0;

let closing = false;

async function connection(): Promise<pg.Client> {
  if (client) return client;
  if (closing) throw new FatalError('the queue is closing');
  const c = new pg.Client({ connectionString: data.connectionString, application_name: 'ame-pg-worker' });
  c.on('error', () => {
    if (client === c) client = null;
  });
  await c.connect();
  await c.query(`SET default_transaction_isolation = 'serializable'`);
  if (closing) {
    await c.end().catch(() => {});
    throw new FatalError('the queue is closing');
  }
  client = c;
  return c;
}

class FatalError extends Error {}

/** Runs a statement; retries 40001/40P01 with backoff and reconnects (re-sending) after a lost connection. */
async function query(what: string, text: string, values?: unknown[]): Promise<unknown[][]> {
  for (let attempt = 0; ; attempt++) {
    let c: pg.Client;
    try {
      c = await connection();
    } catch (error) {
      if (++reconnects > 5)
        throw new FatalError(`worker ${data.worker} could not reconnect to PostgreSQL: ${String((error as Error).message)}`);
      await sleep(50 * reconnects);
      continue;
    }
    try {
      const rows = (await c.query({ text, values: toPgValues(values), rowMode: 'array' })).rows as unknown[][];
      if (loseCommitReply && what === 'committing') {
        loseCommitReply = false;
        await c.end(); // the commit is durable; its reply never reaches us
        throw Object.assign(new Error('Connection terminated unexpectedly (AME_PG_FAULT)'), { code: undefined });
      }
      return rows;
    } catch (error) {
      const e = error as { code?: string; message?: string };
      if (e.code && RETRY_STATES.has(e.code)) {
        await sleep(backoffMs(attempt + 1));
        continue;
      }
      const lost = client !== c || !e.code || e.code.startsWith('57P') || e.code.startsWith('08');
      if (!lost) throw new FatalError(`${what} failed in PostgreSQL (SQLSTATE ${e.code}): ${e.message}`);
      if (client === c) client = null;
      c.end().catch(() => {});
      warnings.push(
        `worker ${data.worker} lost its connection while ${what} (${e.message}); reconnected and ${what === 'committing' ? 're-sent the commit: tasks it had already committed were not applied again (task-id rows)' : 'retried'}`,
      );
      if (++reconnects > 5)
        throw new FatalError(`worker ${data.worker} lost its connection ${reconnects} times; last: ${e.message}`);
    }
  }
}

// ---------- tasks ----------

const engine = new Engine(null);
const objects = new Objects(engine, () => {
  throw new TypeError('in a PgQueue worker, objects are read inside tasks only');
});
const heapView = {
  tvar: objects.tvar.bind(objects),
  tarray: objects.tarray.bind(objects),
  tcounter: objects.tcounter.bind(objects),
  atomically: <R>(fn: () => R): R => fn(),
  inTransaction: true,
} as unknown as Heap;
const loader = new TaskLoader();
const childRefs: TaskRef[] = [];
/** Sentinel: the task called ctx.inevitable() outside the alone mode. */
const INEVITABLE = Object.freeze({ inevitable: true });
let alone = false;
const ctx = new TaskContextImpl(
  heapView,
  data.seed,
  () => {
    if (!alone) throw INEVITABLE;
  },
  (fn) => loader.refFor(fn),
  (ref) => childRefs.push(ref) - 1,
);
ctx.dropChildren = data.dropChildren;

interface Pending {
  index: number;
  name: string;
  args: unknown[];
  fn: ((...args: unknown[]) => unknown) | undefined;
  loadError: unknown;
  attempt: number;
  bt: BatchTask;
  result: unknown;
  error: unknown;
  failed: boolean;
  wantsAlone: boolean;
  children: { module: string; name: string; args: unknown[] }[];
  callbacks: (() => void)[];
  conflicts: string[];
}

/** Step 1: passes over `group` until one completes without a miss. */
async function execute(group: Pending[], batch: number): Promise<void> {
  for (;;) {
    engine.beginPass(group.map((g) => g.bt));
    let incomplete = false;
    for (let k = 0; k < group.length; k++) {
      const g = group[k]!;
      engine.beginTask(k + 1);
      ctx.reset(batch, g.index, g.attempt);
      g.failed = false;
      g.error = undefined;
      g.wantsAlone = false;
      try {
        if (g.fn === undefined) throw g.loadError;
        const result = g.fn(ctx, ...g.args);
        if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
          throw new AsyncTaskError(g.name);
        }
        if (result !== null && typeof result === 'object') {
          try {
            encodeValue(result as never, 'result');
          } catch (error) {
            throw new TaskValueError(g.name, 'result', error);
          }
        }
        g.result = result;
      } catch (error) {
        if (error === INEVITABLE) g.wantsAlone = true;
        else if (error !== MISS) {
          g.failed = true;
          g.error = error;
        }
      }
      if (g.bt.missed) {
        incomplete = true;
        engine.endTask(false);
        continue;
      }
      if (g.failed || g.wantsAlone) g.bt.writes.clear();
      engine.endTask(!g.failed && !g.wantsAlone);
      g.children = ctx.children.map((c) => ({
        module: childRefs[c.taskId]!.module,
        name: childRefs[c.taskId]!.name,
        args: [...c.args],
      }));
      g.callbacks = ctx.callbacks.slice();
    }
    if (!incomplete) return;
    await fetchMisses();
  }
}

async function fetchMisses(): Promise<void> {
  for (const r of engine.missingObjects.values()) {
    const rows = await query(`opening ${JSON.stringify(r.name)}`, openSql(data.ns), [
      r.name,
      r.kind,
      r.length,
      r.type,
      r.num,
      r.val,
      r.create,
    ]);
    const [kind, length, type] = rows[0] as [string | null, number | null, string | null];
    if (kind !== null)
      engine.meta.set(r.name, { name: r.name, kind: kind as ObjectKind, length: length ?? 0, type: type ?? 'value' });
    else if (!r.create) engine.meta.delete(r.name); // stays unknown: the task throws UnknownObjectError
  }
  const unknown = [...engine.missingObjects.values()].filter((r) => !engine.meta.has(r.name));
  engine.missingObjects.clear();
  if (unknown.length > 0) markUnknown(unknown.map((r) => r.name));
  const keys = [...engine.missingCells.values()];
  engine.missingCells.clear();
  if (keys.length === 0) return;
  const rows = (await query('reading cells', fetchSql(data.ns), [keys.map((k) => k[0]), keys.map((k) => k[1])])) as [
    string,
    number,
    number | null,
    Uint8Array | null,
    string,
  ][];
  engine.fill(rows.map(([obj, idx, num, val, ver]) => [obj, idx, { num, val, ver: Number(ver) }]));
}

/** Names that do not exist: the engine answers them with UnknownObjectError in this pass. */
function markUnknown(names: string[]): void {
  for (const name of names) engine.unknown.add(name);
}

/** Step 3: one ame_commit call; returns per task its seq (0 = conflict) and conflicting key. */
async function commit(
  list: Pending[],
  run: string,
  stopAtConflict: boolean,
): Promise<{ seqs: number[]; bad: (string | null)[] }> {
  const p = Engine.payload(list.map((g) => g.bt));
  const rows = await query('committing', commitSql(data.ns), [
    run,
    list.map((g) => g.index),
    p.rTask,
    p.rObj,
    p.rIdx,
    p.rVer,
    p.wTask,
    p.wObj,
    p.wIdx,
    p.wOp,
    p.wNum,
    p.wVal,
    stopAtConflict,
  ]);
  const [seqs, bad] = rows[0] as [string[], (string | null)[]];
  return { seqs: seqs.map(Number), bad };
}

function keyName(bad: string): string {
  const at = bad.lastIndexOf('[');
  const obj = bad.slice(0, at);
  return engine.meta.get(obj)?.kind === 'tarray' ? bad : obj;
}

async function waitTurn(chunk: number): Promise<boolean> {
  for (;;) {
    if (Atomics.load(control, STOP) !== 0) return false;
    const turn = Atomics.load(control, TURN);
    if (turn === chunk) return true;
    const w = Atomics.waitAsync(control, TURN, turn, 1000);
    if (w.async) await w.value;
  }
}

function passTurn(chunk: number): void {
  Atomics.store(control, TURN, chunk + 1);
  Atomics.notify(control, TURN);
}

function finish(g: Pending, seq: number, outcomes: TaskOutcome[]): void {
  const out: TaskOutcome = { index: g.index, seq, attempt: g.attempt, children: [], conflicts: g.conflicts };
  if (g.failed) {
    out.error = serializeError(g.error);
  } else {
    out.result = g.result;
    out.children = g.children;
    for (const cb of g.callbacks) {
      try {
        cb();
      } catch (error) {
        out.afterCommitError = serializeError(error) as SerializedError;
        break;
      }
    }
  }
  outcomes.push(out);
}

/** Runs one chunk to the end; its outcomes in commit order. */
async function runChunk(msg: ChunkMessage): Promise<WorkerReply> {
  warnings = [];
  let aborts = 0;
  const outcomes: TaskOutcome[] = [];
  let pending: Pending[] = [];
  for (const t of msg.tasks) {
    let fn: Pending['fn'];
    let loadError: unknown;
    try {
      fn = (await loader.load(t.module, t.name)) as unknown as Pending['fn'];
    } catch (error) {
      loadError = error;
    }
    pending.push({
      index: t.index,
      name: t.name,
      args: t.args,
      fn,
      loadError,
      attempt: 0,
      bt: new BatchTask(),
      result: undefined,
      error: undefined,
      failed: false,
      wantsAlone: false,
      children: [],
      callbacks: [],
      conflicts: [],
    });
  }
  let haveTurn = !msg.ordered;
  let stopped = false;
  while (pending.length > 0 && !stopped) {
    engine.clearCache();
    engine.unknown.clear();
    await execute(pending, msg.batch);
    if (!haveTurn) {
      if (!(await waitTurn(msg.chunk))) break; // another chunk stopped the run
      haveTurn = true;
    }
    // The tasks to commit now: up to the first that runs alone; ordered 'stop': up to the first failure.
    let cut = pending.findIndex((g) => g.wantsAlone || g.attempt >= data.maxAttempts);
    if (cut < 0) cut = pending.length;
    if (msg.ordered && data.onError === 'stop') {
      const f = pending.findIndex((g) => g.failed);
      if (f >= 0 && f < cut) cut = f + 1;
    }
    if (cut === 0) {
      const g = pending[0]!;
      const seq = await runAlone(g, msg);
      if (seq > 0) {
        finish(g, seq, outcomes);
        pending.shift();
        stopped = g.failed && data.onError === 'stop';
      }
      continue;
    }
    const list = pending.slice(0, cut);
    const { seqs, bad } = await commit(list, msg.run, msg.ordered);
    const next: Pending[] = [];
    let conflicted = false;
    list.forEach((g, k) => {
      const seq = seqs[k]!;
      if (seq > 0) {
        finish(g, seq, outcomes);
        if (g.failed && data.onError === 'stop') stopped = true;
      } else {
        conflicted = true;
        aborts++;
        if (bad[k]) g.conflicts.push(keyName(bad[k]!));
        g.attempt++;
        next.push(g);
      }
    });
    pending = [...next, ...pending.slice(cut)];
    if (conflicted && !msg.ordered) await sleep(backoffMs(Math.min(...next.map((g) => g.attempt))));
  }
  if (stopped && msg.ordered) Atomics.store(control, STOP, 1);
  if (msg.ordered) passTurn(msg.chunk);
  return { type: 'done', chunk: msg.chunk, outcomes, aborts, warnings, stopped };
}

/**
 * Q5: runs `g` with the namespace's advisory lock held exclusively: every other commit
 * (which takes it shared) waits, so its fresh reads stay current and it commits.
 */
async function runAlone(g: Pending, msg: ChunkMessage): Promise<number> {
  await query('locking the namespace', 'SELECT pg_advisory_lock($1, $2)', [ADVISORY_CLASS, lockKey]);
  alone = true;
  try {
    engine.clearCache();
    engine.unknown.clear();
    await execute([g], msg.batch);
    const { seqs, bad } = await commit([g], msg.run, true);
    if (seqs[0]! === 0 && bad[0]) g.conflicts.push(keyName(bad[0]));
    return seqs[0]!;
  } finally {
    alone = false;
    await query('unlocking the namespace', 'SELECT pg_advisory_unlock($1, $2)', [ADVISORY_CLASS, lockKey]);
  }
}

port.on('message', async (msg: ChunkMessage | { type: 'close' }) => {
  if (msg.type === 'close') {
    closing = true;
    const c = client;
    client = null;
    await c?.end().catch(() => {});
    port.postMessage({ type: 'closed' });
    port.close();
    return;
  }
  try {
    port.postMessage(await runChunk(msg));
  } catch (error) {
    if (msg.ordered) {
      Atomics.store(control, STOP, 1);
      passTurn(msg.chunk);
    }
    port.postMessage({ type: 'fatal', chunk: msg.chunk, error: serializeError(error) });
  }
});

connection().then(
  () => port.postMessage({ type: 'ready' }),
  (error) => {
    if (!closing) port.postMessage({ type: 'fatal', chunk: -1, error: serializeError(error) });
  },
);
