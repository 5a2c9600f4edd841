/**
 * The SQL of a namespace: its tables and the two functions every client calls. Object
 * names are always bound parameters (data); the namespace is a checked identifier and the
 * only name ever spliced into SQL text (quoted).
 *
 * Tables (schema = the namespace):
 *   objects(name, kind, length, type)      one row per named object, created on first use
 *   cells(obj, idx, num, val, ver)          one row per cell: a tvar/tcounter has idx 0, a
 *                                           tarray idx 0..length-1. `num` holds numbers,
 *                                           `val` the codec bytes of any other Value; `ver`
 *                                           is the commit sequence number of the last write
 *   tasks(run, idx, seq)                    the task-id rows that make a commit idempotent
 *   commit_seq                              the global commit order
 *
 * ame_commit (one round trip per batch of tasks; see commit protocol in ../queue.ts) locks
 * every cell the batch read or wrote in (obj, idx) order and reads their versions, then,
 * task by task: skips a task whose task-id row exists (already committed: returns its
 * seq), validates its reads (a version read from the database is still the cell's; a read
 * of an earlier batch task's write needs that task applied), and takes nextval(commit_seq).
 * Then, set-based, it applies the applied tasks' writes per cell (last set plus later
 * adds, version of the last writer) and inserts their task-id rows. Returns per task its
 * seq (0 = conflict, not applied) and the key that conflicted.
 */
import { InvalidOptionError } from '@ame/stm';

/** Namespaces are SQL identifiers: letters, digits and underscores, not starting with a digit. */
const NAMESPACE = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/** Checks a namespace and returns it quoted for SQL text. */
export function quoteNamespace(namespace: unknown): string {
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) {
    throw new InvalidOptionError(
      'namespace',
      `a namespace is 1 to 48 letters, digits or underscores, not starting with a digit, got ${JSON.stringify(namespace) ?? String(namespace)}`,
    );
  }
  return `"${namespace}"`;
}

/** Statements that create a namespace (idempotent; run under an advisory lock). */
export function schemaSql(ns: string): string {
  const lock = advisoryKey(ns);
  return `
CREATE SCHEMA IF NOT EXISTS ${ns};
CREATE TABLE IF NOT EXISTS ${ns}.objects (name text PRIMARY KEY, kind text NOT NULL, length int NOT NULL, type text NOT NULL);
CREATE TABLE IF NOT EXISTS ${ns}.cells (obj text NOT NULL, idx int NOT NULL, num float8, val bytea, ver bigint NOT NULL DEFAULT 0, PRIMARY KEY (obj, idx));
CREATE TABLE IF NOT EXISTS ${ns}.tasks (run text NOT NULL, idx int NOT NULL, seq bigint NOT NULL, PRIMARY KEY (run, idx));
CREATE SEQUENCE IF NOT EXISTS ${ns}.commit_seq;
CREATE OR REPLACE FUNCTION ${ns}.ame_open(p_name text, p_kind text, p_length int, p_type text, p_num float8, p_val bytea, p_create boolean,
  OUT kind text, OUT length int, OUT type text)
LANGUAGE plpgsql AS $fn$
BEGIN
  SELECT o.kind, o.length, o.type INTO kind, length, type FROM ${ns}.objects o WHERE o.name = p_name;
  IF FOUND OR NOT p_create THEN RETURN; END IF;
  INSERT INTO ${ns}.objects VALUES (p_name, p_kind, p_length, p_type) ON CONFLICT (name) DO NOTHING;
  IF FOUND THEN
    INSERT INTO ${ns}.cells (obj, idx, num, val, ver) SELECT p_name, g, p_num, p_val, 0 FROM generate_series(0, p_length - 1) g;
  END IF;
  SELECT o.kind, o.length, o.type INTO kind, length, type FROM ${ns}.objects o WHERE o.name = p_name;
END
$fn$;
CREATE OR REPLACE FUNCTION ${ns}.ame_commit(p_run text, t_idx int[],
  r_task int[], r_obj text[], r_idx int[], r_ver bigint[],
  w_task int[], w_obj text[], w_idx int[], w_op int[], w_num float8[], w_val bytea[],
  stop_at_conflict boolean, OUT seqs bigint[], OUT bad text[])
LANGUAGE plpgsql AS $fn$
DECLARE
  n int := coalesce(array_length(t_idx, 1), 0);
  nr int := coalesce(array_length(r_task, 1), 0);
  r int := 1; k int; w int;
  pre bigint[]; prev bigint[]; now_applied boolean[];
  ok boolean;
BEGIN
  seqs := array_fill(0::bigint, ARRAY[n]);
  bad := array_fill(NULL::text, ARRAY[n]);
  now_applied := array_fill(false, ARRAY[n]);
  -- Shared with every commit; an inevitable task holds it exclusively (Q5).
  PERFORM pg_advisory_xact_lock_shared(${ADVISORY_CLASS}, ${lock});
  -- Lock every cell of the batch in one canonical order: commits never deadlock (C1).
  PERFORM 1 FROM ${ns}.cells c
    JOIN (SELECT DISTINCT u.o, u.i FROM unnest(r_obj || w_obj, r_idx || w_idx) AS u(o, i)) u ON c.obj = u.o AND c.idx = u.i
    ORDER BY c.obj, c.idx FOR UPDATE OF c;
  -- Versions under the locks, one per read.
  SELECT array_agg(c.ver ORDER BY u.ord) INTO pre
    FROM unnest(r_obj, r_idx) WITH ORDINALITY AS u(o, i, ord) LEFT JOIN ${ns}.cells c ON c.obj = u.o AND c.idx = u.i;
  -- Tasks committed by an earlier call whose reply was lost (Q4).
  IF p_run IS NOT NULL THEN
    SELECT array_agg(coalesce(t.seq, 0) ORDER BY u.ord) INTO prev
      FROM unnest(t_idx) WITH ORDINALITY AS u(i, ord) LEFT JOIN ${ns}.tasks t ON t.run = p_run AND t.idx = u.i;
  ELSE
    prev := array_fill(0::bigint, ARRAY[n]);
  END IF;
  FOR k IN 1..n LOOP
    IF prev[k] > 0 THEN
      seqs[k] := prev[k];
      WHILE r <= nr AND r_task[r] = k LOOP r := r + 1; END LOOP;
      CONTINUE;
    END IF;
    ok := true;
    WHILE r <= nr AND r_task[r] = k LOOP
      IF ok THEN
        IF r_ver[r] < 0 THEN
          -- A write of batch task w: valid if w is applied now, or was (Q4) and is still the last writer.
          w := -r_ver[r];
          ok := now_applied[w] OR (seqs[w] > 0 AND pre[r] = seqs[w]);
        ELSE
          ok := pre[r] IS NOT DISTINCT FROM r_ver[r];
        END IF;
        IF NOT ok THEN bad[k] := r_obj[r] || '[' || r_idx[r] || ']'; END IF;
      END IF;
      r := r + 1;
    END LOOP;
    IF NOT ok THEN
      IF stop_at_conflict THEN EXIT; END IF;
      CONTINUE;
    END IF;
    seqs[k] := nextval('${ns}.commit_seq');
    now_applied[k] := true;
  END LOOP;
  -- The writes of the tasks applied now, per cell: the last set plus the adds after it,
  -- with the version of the last writer.
  WITH wr AS (
    SELECT u.o, u.i, u.op, u.num, u.val, u.ord, seqs[u.t] AS s
      FROM unnest(w_task, w_obj, w_idx, w_op, w_num, w_val) WITH ORDINALITY AS u(t, o, i, op, num, val, ord)
      WHERE now_applied[u.t]
  ), last_set AS (
    SELECT DISTINCT ON (o, i) o, i, ord, num, val FROM wr WHERE op = 1 ORDER BY o, i, ord DESC
  ), f AS (
    SELECT wr.o, wr.i, max(wr.s) AS ver, ls.ord AS set_ord, ls.num AS set_num, ls.val AS set_val,
        coalesce(sum(wr.num) FILTER (WHERE wr.op = 2 AND wr.ord > coalesce(ls.ord, 0)), 0) AS adds
      FROM wr LEFT JOIN last_set ls ON ls.o = wr.o AND ls.i = wr.i
      GROUP BY wr.o, wr.i, ls.ord, ls.num, ls.val
  )
  UPDATE ${ns}.cells c SET
      num = CASE WHEN f.set_ord IS NULL THEN c.num + f.adds WHEN f.adds = 0 THEN f.set_num ELSE f.set_num + f.adds END,
      val = CASE WHEN f.set_ord IS NULL THEN c.val ELSE f.set_val END,
      ver = f.ver
    FROM f WHERE c.obj = f.o AND c.idx = f.i;
  IF p_run IS NOT NULL THEN
    INSERT INTO ${ns}.tasks SELECT p_run, t_idx[g], seqs[g] FROM generate_series(1, n) AS g WHERE now_applied[g];
  END IF;
END
$fn$;`;
}

/** First key of the namespace's advisory lock (an inevitable task holds it exclusively). */
export const ADVISORY_CLASS = 0x414d45;

/** Second key of the namespace's advisory lock: a 32-bit FNV-1a hash of the quoted namespace. */
export function advisoryKey(ns: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < ns.length; i++) h = Math.imul(h ^ ns.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** Reads cells: $1 obj[], $2 idx[] -> (obj, idx, num, val, ver). */
export function fetchSql(ns: string): string {
  return `SELECT c.obj, c.idx, c.num, c.val, c.ver FROM ${ns}.cells c JOIN unnest($1::text[], $2::int[]) AS u(o, i) ON c.obj = u.o AND c.idx = u.i`;
}

/** Opens (or creates) an object: ame_open(name, kind, length, type, num, val, create). */
export function openSql(ns: string): string {
  return `SELECT kind, length, type FROM ${ns}.ame_open($1, $2, $3, $4, $5, $6, $7)`;
}

/** Commits a batch (see ame_commit above). */
export function commitSql(ns: string): string {
  return `SELECT seqs, bad FROM ${ns}.ame_commit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;
}

/** Every object with its cells, for snapshot(). */
export function snapshotSql(ns: string): string {
  return `SELECT o.name, o.kind, o.length, o.type, c.idx, c.num, c.val FROM ${ns}.objects o JOIN ${ns}.cells c ON c.obj = o.name ORDER BY o.name, c.idx`;
}

/** SQLSTATEs after which a transaction is retried: serialization failure, deadlock. */
export const RETRY_STATES: ReadonlySet<string> = new Set(['40001', '40P01']);
