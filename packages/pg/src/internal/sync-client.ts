/**
 * A synchronous PostgreSQL connection for code that must not await (heap.atomically,
 * object handles): a helper worker thread owns the `pg` connection; each request is
 * posted to it and the caller blocks in Atomics.wait until the reply is on the port, then
 * takes it with receiveMessageOnPort. One round trip costs the query plus ~25 µs.
 *
 * Shared word (flag[0]): 0 = request pending (written by the caller before posting),
 * 1 = reply posted (written by the helper with Atomics.store after postMessage, then
 * Atomics.notify). The caller is the only waiter.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { PgConnectionError, PgHeapClosedError, PgQueryError } from '../errors.js';

interface Reply {
  ok: boolean;
  rows: unknown[][];
  code?: string;
  message?: string;
  lost?: boolean;
}

/** A failed statement, before it becomes a public error: SQLSTATE and message. */
export class SqlFailure extends Error {
  constructor(
    readonly sqlState: string | undefined,
    message: string,
    readonly lost: boolean,
  ) {
    super(message);
  }
}

export class SyncClient {
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private closed = false;

  constructor(connectionString: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('../worker/connection.js', import.meta.url), {
      workerData: { connectionString, flag: this.flag.buffer, port: port2 },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  /** Runs one statement (or, without values, several), returning rows as arrays. Throws SqlFailure. */
  query(text: string, values?: unknown[]): unknown[][] {
    if (this.closed) throw new PgHeapClosedError();
    const reply = this.call({ op: 'query', text, values });
    if (!reply.ok) throw new SqlFailure(reply.code, reply.message ?? 'unknown error', reply.lost === true);
    return reply.rows;
  }

  /** Like query, with SqlFailure turned into the public error for `what`. */
  run(what: string, text: string, values?: unknown[]): unknown[][] {
    try {
      return this.query(text, values);
    } catch (error) {
      throw publicError(what, error);
    }
  }

  private call(message: unknown): Reply {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(message);
    for (;;) {
      Atomics.wait(this.flag, 0, 0, 1000);
      if (Atomics.load(this.flag, 0) === 1) break;
    }
    const received = receiveMessageOnPort(this.port);
    if (!received) throw new PgConnectionError('the connection thread gave no reply');
    return received.message as Reply;
  }

  /** Closes the connection and stops the helper thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.call({ op: 'close' });
    } catch {
      // the helper is gone already
    }
    await this.worker.terminate();
  }
}

/** The public error for a failed statement. */
export function publicError(what: string, error: unknown): Error {
  if (!(error instanceof SqlFailure)) return error as Error;
  if (error.lost) return new PgConnectionError(`${what}: the connection to PostgreSQL failed`, error);
  return new PgQueryError(what, error.sqlState, error.message);
}
