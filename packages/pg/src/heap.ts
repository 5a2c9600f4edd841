/**
 * PgHeap: the synchronous heap API of @ame/stm's Heap (tvar, tarray, tcounter,
 * atomically, snapshot) over a PostgreSQL namespace, through a SyncClient (a helper
 * thread owns the connection; this thread blocks in Atomics.wait for each round trip).
 *
 * heap.atomically(fn): fn runs against the engine (internal/tx.ts) in 'sync' mode: each
 * first read of a cell is one round trip (then cached for the attempt), writes are
 * buffered; at the end one ame_commit round trip validates every read and applies the
 * writes. A stale read re-runs fn; an exception is rethrown once its reads validated.
 */
import { AsyncTransactionError, type SnapshotValue, type Value, type Widen } from '@ame/stm';
import { decodeValue } from '@ame/stm';
import { startEmbedded, type EmbeddedServer } from './embedded.js';
import { PgConnectionError, PgHeapClosedError } from './errors.js';
import { Objects, type PgTArray, type PgTCounter, type PgTVar } from './handles.js';
import { commitSql, fetchSql, openSql, quoteNamespace, RETRY_STATES, schemaSql, snapshotSql } from './internal/sql.js';
import { publicError, SqlFailure, SyncClient } from './internal/sync-client.js';
import { BatchTask, type Cell, Engine, type ObjectKind, type ObjectMeta, type OpenRequest } from './internal/tx.js';
import { backoffMs, sleepSync } from './internal/backoff.js';

/** Options of `PgHeap.open`. */
export interface PgHeapOptions {
  /**
   * A PostgreSQL (or CockroachDB/YugabyteDB) connection string. Default: none, which
   * starts an embedded PostgreSQL in a temporary directory, stopped by close().
   */
  connectionString?: string;
  /** Schema holding this heap's tables: letters, digits, underscores. Default 'ame'. */
  namespace?: string;
  /** Embedded server only: postgresql.conf settings (e.g. `{ synchronous_commit: 'off' }`). Default none. */
  settings?: Record<string, string | number>;
}

/**
 * A transactional heap stored in PostgreSQL, with the API of @ame/stm's Heap, so task
 * modules written for TransactionQueue run unchanged on PgQueue.
 *
 * Use it when the state or the task rate outgrows one machine, or several processes must
 * share the state: they open the same heap with `{ connectionString, namespace }`.
 *
 * @example
 * const heap = await PgHeap.open();            // embedded PostgreSQL
 * const accounts = heap.tarray('accounts', 100);
 * heap.atomically(() => accounts.set(0, 1000));
 * console.log(heap.connectionString, heap.snapshot());
 * await heap.close();
 */
export class PgHeap {
  /** Where the heap lives: pass it (with `namespace`) to other processes. */
  readonly connectionString: string;
  /** The schema holding the heap's tables. */
  readonly namespace: string;
  private readonly ns: string;
  private readonly client: SyncClient;
  private readonly engine: Engine;
  private readonly objects: Objects;
  private closed = false;

  private constructor(
    connectionString: string,
    namespace: string,
    private readonly server: EmbeddedServer | undefined,
  ) {
    this.connectionString = connectionString;
    this.namespace = namespace;
    this.ns = quoteNamespace(namespace);
    this.client = new SyncClient(connectionString);
    const ns = this.ns;
    const client = this.client;
    this.engine = new Engine({
      fetch: (keys) => fetchCells(client, ns, keys),
      open: (request) => openObject(client, ns, request),
    });
    this.objects = new Objects(this.engine, (fn) => this.atomically(fn));
  }

  /**
   * Opens a heap: on the server of `connectionString`, or on a new embedded PostgreSQL.
   * Creates the namespace's tables if they do not exist.
   *
   * @param options.connectionString server to use (default: start an embedded one)
   * @param options.namespace schema name (default 'ame')
   * @param options.settings embedded server settings (default none)
   */
  static async open(options: PgHeapOptions = {}): Promise<PgHeap> {
    const namespace = options.namespace ?? 'ame';
    quoteNamespace(namespace); // a bad namespace fails before any server starts
    let server: EmbeddedServer | undefined;
    let connectionString = options.connectionString;
    if (connectionString === undefined) {
      server = await startEmbedded({ settings: options.settings });
      connectionString = server.connectionString;
    } else if (typeof connectionString !== 'string' || connectionString.length === 0) {
      throw new PgConnectionError(`connectionString must be a non-empty string, got ${String(connectionString)}`);
    }
    const heap = new PgHeap(connectionString, namespace, server);
    try {
      heap.client.run('creating the namespace', `SELECT pg_advisory_xact_lock(4541765); ${schemaSql(heap.ns)}`);
    } catch (error) {
      await heap.close();
      throw error;
    }
    return heap;
  }

  /** The tvar `name`: created with `initial` if missing; without it, opened or UnknownObjectError. */
  tvar<T extends Value>(name: string, ...initial: [] | [T]): PgTVar<Widen<T>> {
    this.live();
    return this.objects.tvar<T>(name, ...initial);
  }

  /** The tarray `name` of `length` numbers of `type` (default 'f64'), all 0 when created. */
  tarray(name: string, length?: number, type: 'f64' | 'i32' = 'f64'): PgTArray {
    this.live();
    return this.objects.tarray(name, length, type);
  }

  /** The tcounter `name`, created at `initial` if missing. */
  tcounter(name: string, initial?: number): PgTCounter {
    this.live();
    return this.objects.tcounter(name, initial);
  }

  /** True while this thread runs heap.atomically. */
  get inTransaction(): boolean {
    return this.engine.active;
  }

  /**
   * Runs `fn` as one serializable transaction and returns its result; re-runs it when a
   * read turned out stale. An exception aborts (nothing written) and is rethrown once the
   * reads it was based on are known to be current. Nested calls join the outer one.
   * `fn` must be synchronous.
   */
  atomically<R>(fn: () => R): R {
    this.live();
    if (typeof fn !== 'function') throw new TypeError('heap.atomically needs a function');
    if (this.engine.active) {
      const inner = fn();
      if (isThenable(inner)) throw new AsyncTransactionError('a nested heap.atomically callback');
      return inner;
    }
    const task = new BatchTask();
    for (let attempt = 0; ; attempt++) {
      this.engine.beginPass([task]);
      this.engine.beginTask(1);
      let result: R | undefined;
      let error: unknown;
      let failed = false;
      try {
        result = fn();
        if (isThenable(result)) {
          failed = true;
          error = new AsyncTransactionError('the heap.atomically callback');
        }
      } catch (e) {
        failed = true;
        error = e;
      } finally {
        this.engine.endTask(false);
      }
      if (failed) task.writes.clear();
      const committed = task.readKeys.length === 0 && task.writes.size === 0 ? true : this.commit(task);
      this.engine.clearCache();
      if (committed) {
        if (failed) throw error;
        return result as R;
      }
      sleepSync(backoffMs(attempt));
    }
  }

  /** Validates and applies one task in one round trip (retried on 40001/40P01); true if it committed. */
  private commit(task: BatchTask): boolean {
    const p = Engine.payload([task]);
    const values = [null, [0], p.rTask, p.rObj, p.rIdx, p.rVer, p.wTask, p.wObj, p.wIdx, p.wOp, p.wNum, p.wVal, true];
    for (let attempt = 0; ; attempt++) {
      try {
        const rows = this.client.query(commitSql(this.ns), values);
        const seqs = rows[0]![0] as string[];
        return Number(seqs[0]) > 0;
      } catch (error) {
        if (error instanceof SqlFailure && error.sqlState && RETRY_STATES.has(error.sqlState)) {
          sleepSync(backoffMs(attempt));
          continue;
        }
        throw publicError('committing a transaction', error);
      }
    }
  }

  /**
   * A consistent plain-JS copy of every named object, keys sorted by name: tvar -> its
   * value, tarray -> number[], tcounter -> number (one statement, one snapshot).
   */
  snapshot(): Record<string, SnapshotValue> {
    this.live();
    const rows = this.client.run('reading a snapshot', snapshotSql(this.ns));
    const out: Record<string, SnapshotValue> = {};
    const names: string[] = [];
    const values = new Map<string, SnapshotValue>();
    for (const [name, kind, length, , idx, num, val] of rows as [
      string,
      string,
      number,
      string,
      number,
      number | null,
      Uint8Array | null,
    ][]) {
      if (kind === 'tarray') {
        let arr = values.get(name) as number[] | undefined;
        if (!arr) {
          arr = new Array<number>(length).fill(0);
          values.set(name, arr);
          names.push(name);
        }
        arr[idx] = num ?? 0;
      } else {
        values.set(name, val !== null ? decodeValue(val) : (num ?? 0));
        names.push(name);
      }
    }
    // Empty tarrays have no cells: list them too.
    for (const [name, kind] of this.client.run(
      'reading a snapshot',
      `SELECT name, kind FROM ${this.ns}.objects WHERE length = 0`,
    ) as [string, string][]) {
      if (kind === 'tarray' && !values.has(name)) {
        values.set(name, []);
        names.push(name);
      }
    }
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      Object.defineProperty(out, name, { value: values.get(name), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** @internal The quoted namespace and the sync connection, for PgQueue. */
  internals(): { ns: string; client: SyncClient } {
    this.live();
    return { ns: this.ns, client: this.client };
  }

  /** Closes the connection; stops and removes the embedded server if this heap started one. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
    await this.server?.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private live(): void {
    if (this.closed) throw new PgHeapClosedError();
  }
}

/** Fetches cells in one round trip. */
export function fetchCells(client: SyncClient, ns: string, keys: readonly [string, number][]): [string, number, Cell][] {
  const rows = client.run('reading cells', fetchSql(ns), [keys.map((k) => k[0]), keys.map((k) => k[1])]) as [
    string,
    number,
    number | null,
    Uint8Array | null,
    string,
  ][];
  return rows.map(([obj, idx, num, val, ver]) => [obj, idx, { num, val, ver: Number(ver) }]);
}

/** Opens or creates an object in one round trip (retried on serialization failures). */
export function openObject(client: SyncClient, ns: string, r: OpenRequest): ObjectMeta | undefined {
  for (let attempt = 0; ; attempt++) {
    try {
      const rows = client.query(openSql(ns), [r.name, r.kind, r.length, r.type, r.num, r.val, r.create]);
      const [kind, length, type] = rows[0] as [string | null, number | null, string | null];
      if (kind === null) return undefined;
      return { name: r.name, kind: kind as ObjectKind, length: length ?? 0, type: type ?? 'value' };
    } catch (error) {
      if (error instanceof SqlFailure && error.sqlState && RETRY_STATES.has(error.sqlState)) {
        sleepSync(backoffMs(attempt));
        continue;
      }
      throw publicError(`opening ${JSON.stringify(r.name)}`, error);
    }
  }
}

function isThenable(value: unknown): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
