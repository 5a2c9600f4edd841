import { AmeError } from './errors.js';
import type { Core } from './internal/core.js';
import { listEntries, type Entry } from './internal/directory.js';
import { collectionCellName, rootCellName } from './internal/cell-names.js';
import { C_WRITER } from './internal/layout.js';

/** The key a conflict was found on, and the tag of the commit that changed it. */
export interface ConflictInfo {
  /**
   * `name` for a tvar or tcounter, `name[i]` for a tarray element, `name{"bob"}` for a TMap
   * key (or TSet element), `name.size`, `name.table`, `name.head`, `name.tail` ... for a
   * collection's shared cells.
   */
  readonly key: string;
  /** Tag of the commit that wrote the newer value (a scheduler's task index), -1 if unknown. */
  readonly writer: number;
}

/** What one committed transaction read and wrote, by key, with versions. */
export interface TxHistory {
  /** [key, version read] for every read (repeated reads of a key appear once). */
  readonly reads: readonly (readonly [string, number])[];
  /** [key, version written]: every key written, at the commit's version. */
  readonly writes: readonly (readonly [string, number])[];
  /** The commit's version; 0 for a read-only transaction. */
  readonly version: number;
}

/**
 * Step-by-step control of this thread's transactions, for schedulers that decide when a
 * transaction may commit (such as @ame/transaction's ordered mode). Application code
 * wants `heap.atomically` instead, which does all of this in a loop.
 *
 * A controlled transaction is the same transaction `atomically` runs: handles read its
 * snapshot and buffer writes into it, and `heap.atomically` inside it joins it.
 *
 * @example
 * const tx = heap.control();
 * tx.begin(taskIndex);
 * const result = task();
 * if (!tx.commit()) { const why = tx.conflict(); tx.begin(taskIndex); ... } // re-run
 */
export class TxControl {
  private entries: Entry[] = [];
  /**
   * With recordHistory: the names of the cells the committing transaction read, taken
   * just before its commit, while its snapshot still holds every block it read. After
   * the commit a block the commit replaced (a grown map's old table) may be unlinked or
   * freed (direct mode keeps no old versions), and its cells would have no name left.
   */
  private readNames = new Map<number, string>();

  /** @internal */
  constructor(private readonly core: Core) {}

  /** True between begin and commit/abort. */
  get active(): boolean {
    return this.core.tx.active;
  }

  /** The snapshot version reads come from. */
  get snapshot(): number {
    return this.core.tx.snapshot;
  }

  /**
   * Starts a transaction with a fresh snapshot. `tag` (an int32, default 0) is stamped on
   * every cell the commit writes, so a later conflict can name this writer.
   */
  begin(tag = 0): void {
    const tx = this.core.tx;
    if (tx.active)
      throw new AmeError('TRANSACTION_ACTIVE', 'a transaction is already running on this thread; commit or abort it first');
    tx.tag = tag | 0;
    tx.begin();
  }

  /**
   * Record what transactions on this thread read and wrote, for `history()`. Off by
   * default; off costs one predictable branch per read.
   */
  set recordHistory(on: boolean) {
    this.core.tx.recording = on;
  }

  get recordHistory(): boolean {
    return this.core.tx.recording;
  }

  /**
   * Direct mode: commits overwrite values in place, keep no old versions and skip
   * validation. Only for callers that guarantee no other transaction on the heap runs
   * meanwhile (GilQueue's global lock); a reader that breaks this gets an
   * StmInvariantError. Off by default.
   */
  set direct(on: boolean) {
    this.core.tx.direct = on;
  }

  get direct(): boolean {
    return this.core.tx.direct;
  }

  /** Reads and writes of the last transaction this thread committed, if recording. */
  history(): TxHistory | undefined {
    const raw = this.core.tx.history;
    if (!raw) return undefined;
    // Per key the newest version read (a cell re-read after extend() shows the same one).
    const reads = new Map<string, number>();
    for (const [cell, version] of raw.reads) {
      const key = this.readNames.get(cell) ?? this.describe(cell, '.key');
      const seen = reads.get(key);
      if (seen === undefined || version > seen) reads.set(key, version);
    }
    const writes = [...new Set(raw.writes.map((cell) => this.describe(cell, '.key')))].map((key) => [key, raw.version] as const);
    return { reads: [...reads], writes, version: raw.version };
  }

  /**
   * Where the last commit (or the last `readsCurrent()` that returned true) sits in the
   * serial order of all transactions on the heap: sort finished transactions by it to
   * get an order in which running them one by one gives the same results. An update
   * commit's point is its version; read-only commits and confirmed failures get
   * `version + 0.5` of the state they saw.
   */
  get serialPoint(): number {
    return this.core.tx.serialPoint;
  }

  /** True if nothing this transaction read has been changed by a commit since its snapshot. */
  readsCurrent(): boolean {
    return this.core.tx.readsCurrent();
  }

  /**
   * Moves the snapshot to now if every read is still current (returns true); later reads
   * then see the newest committed state. On false the transaction must be aborted.
   */
  extend(): boolean {
    return this.core.tx.extend();
  }

  /**
   * Commits. Returns false on a conflict: nothing was written and the transaction ended
   * (`conflict()` says where). Throws HeapFullError or ClockExhaustedError with nothing
   * written.
   */
  commit(): boolean {
    const tx = this.core.tx;
    if (tx.recording) {
      // Name the reads now (see readNames); writes are named after the commit, when the
      // blocks it links in (a grown table) are reachable from their roots.
      this.readNames.clear();
      for (let k = 0; k < tx.readCount; k++) {
        const cell = tx.reads[k]!;
        if (!this.readNames.has(cell)) this.readNames.set(cell, this.describe(cell, '.key'));
      }
    }
    return tx.commit();
  }

  /** Ends the transaction, writing nothing; `reason` picks the statistic it counts under. */
  abort(reason: 'conflict' | 'error'): void {
    this.core.tx.abort(reason);
  }

  /** Where the last failed `commit`, `readsCurrent` or `extend` found a changed read. */
  conflict(): ConflictInfo | undefined {
    const cell = this.core.tx.conflictCell;
    if (cell === 0) return undefined;
    return { key: this.describe(cell), writer: this.core.mem.i32[(cell + C_WRITER) >> 2]! };
  }

  /**
   * The key of a cell address (see ConflictInfo.key). `keySuffix` is appended for a TMap
   * slot's key cell (histories use '.key': see cell-names.ts).
   */
  describe(cell: number, keySuffix = ''): string {
    const found = this.find(cell, keySuffix);
    if (found !== undefined) return found;
    this.entries = listEntries(this.core.mem).sort((a, b) => a.base - b.base);
    return this.find(cell, keySuffix) ?? `cell@${cell}`;
  }

  private find(cell: number, keySuffix: string): string | undefined {
    for (const entry of this.entries) {
      const name = rootCellName(entry, cell) ?? collectionCellName(this.core.mem, entry, cell, keySuffix);
      if (name !== undefined) return name;
    }
    return undefined;
  }
}
