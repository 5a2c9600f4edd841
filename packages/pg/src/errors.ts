/**
 * Public errors of @ame/pg. Every error extends AmeError (a readonly `code`, an explicit
 * `name`, `cause`); recognise them by `name`/`code`, not `instanceof`.
 */
import { AmeError } from '@ame/stm';

/** The embedded PostgreSQL server could not be initialised or started. */
export class PgStartError extends AmeError {
  override readonly name = 'PgStartError';
  constructor(problem: string, cause?: unknown) {
    super('PG_START_FAILED', `could not start the embedded PostgreSQL: ${problem}`, { cause });
  }
}

/** A connection to PostgreSQL could not be made, or was lost and could not be re-made. */
export class PgConnectionError extends AmeError {
  override readonly name = 'PgConnectionError';
  constructor(problem: string, cause?: unknown) {
    super('PG_CONNECTION_FAILED', `${problem}${describeCause(cause)}`, { cause });
  }
}

/** PostgreSQL rejected a statement for a reason other than a serialization failure. */
export class PgQueryError extends AmeError {
  override readonly name = 'PgQueryError';
  /** The SQLSTATE PostgreSQL returned, if any. */
  readonly sqlState: string | undefined;
  constructor(what: string, sqlState: string | undefined, message: string) {
    super('PG_QUERY_FAILED', `${what} failed in PostgreSQL${sqlState ? ` (SQLSTATE ${sqlState})` : ''}: ${message}`);
    this.sqlState = sqlState;
  }
}

/** The PgHeap (or a queue over it) was closed. */
export class PgHeapClosedError extends AmeError {
  override readonly name = 'PgHeapClosedError';
  constructor() {
    super('PG_HEAP_CLOSED', 'this PgHeap is closed; open a new one with PgHeap.open()');
  }
}

function describeCause(cause: unknown): string {
  if (cause === undefined) return '';
  const e = cause as { message?: unknown; code?: unknown };
  return ` (${typeof e.code === 'string' ? `${e.code}: ` : ''}${String(e.message ?? cause)})`;
}
