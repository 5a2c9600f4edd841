/**
 * The helper thread behind a SyncClient: owns one `pg` connection and answers each
 * request on its port, then raises the shared flag the requesting thread waits on.
 * Protocol (see internal/sync-client.ts): post reply, then Atomics.store(flag, 1) and
 * notify, so the reply is on the port before the waiter wakes.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import pg from 'pg';
import { toPgValues } from '../internal/backoff.js';

interface Data {
  connectionString: string;
  flag: SharedArrayBuffer;
  port: MessagePort;
}

const { connectionString, flag, port } = workerData as Data;
const word = new Int32Array(flag);
let client: pg.Client | null = null;

async function connection(): Promise<pg.Client> {
  if (client) return client;
  const c = new pg.Client({ connectionString, application_name: 'ame-pg-heap' });
  c.on('error', () => {
    if (client === c) client = null;
  });
  await c.connect();
  await c.query(`SET default_transaction_isolation = 'serializable'`);
  client = c;
  return c;
}

function reply(message: unknown): void {
  port.postMessage(message);
  Atomics.store(word, 0, 1);
  Atomics.notify(word, 0);
}

port.on('message', async (request: { op: 'query' | 'close'; text?: string; values?: unknown[] }) => {
  if (request.op === 'close') {
    const c = client;
    client = null;
    await c?.end().catch(() => {});
    reply({ ok: true, rows: [] });
    port.close();
    return;
  }
  try {
    const c = await connection();
    const result = await c.query({ text: request.text!, values: toPgValues(request.values), rowMode: 'array' });
    const rows = Array.isArray(result) ? result.flatMap((r) => r.rows ?? []) : result.rows;
    reply({ ok: true, rows });
  } catch (error) {
    const e = error as { code?: string; message?: string };
    const lost = client === null || !e.code || e.code.startsWith('57P') || e.code.startsWith('08');
    if (lost) {
      const c = client;
      client = null;
      c?.end().catch(() => {});
    }
    reply({ ok: false, code: e.code, message: String(e.message ?? error), lost });
  }
});
