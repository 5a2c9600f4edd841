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
 * every cell the batch read or wrote in (obj, idx) order, then, task by task: skips a task
 * whose task-id row exists (already committed: returns its seq), validates its reads (the
 * version each read saw is still current; a read of an earlier batch task's write expects
 * that task's seq), takes nextval(commit_seq), applies its writes with that version and
 * inserts its task-id row. Returns per task its seq (0 = conflict, not applied) and the
 * key that conflicted.
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
  nw int := coalesce(array_length(w_task, 1), 0);
  r int := 1; w int := 1; k int;
  cur bigint; expected bigint; ok boolean; s bigint; prev bigint;
BEGIN
  seqs := array_fill(0::bigint, ARRAY[n]);
  bad := array_fill(NULL::text, ARRAY[n]);
  -- Shared with every commit; an inevitable task holds it exclusively (C5).
  PERFORM pg_advisory_xact_lock_shared(${ADVISORY_CLASS}, ${lock});
  -- Lock every cell of the batch in one canonical order: commits never deadlock (C1).
  PERFORM 1 FROM ${ns}.cells c
    JOIN (SELECT DISTINCT u.o, u.i FROM unnest(r_obj || w_obj, r_idx || w_idx) AS u(o, i)) u ON c.obj = u.o AND c.idx = u.i
    ORDER BY c.obj, c.idx FOR UPDATE OF c;
  FOR k IN 1..n LOOP
    ok := true;
    IF p_run IS NOT NULL THEN
      SELECT t.seq INTO prev FROM ${ns}.tasks t WHERE t.run = p_run AND t.idx = t_idx[k];
      IF FOUND THEN
        seqs[k] := prev; -- committed by an earlier call whose reply was lost (C4)
        WHILE r <= nr AND r_task[r] = k LOOP r := r + 1; END LOOP;
        WHILE w <= nw AND w_task[w] = k LOOP w := w + 1; END LOOP;
        CONTINUE;
      END IF;
    END IF;
    WHILE r <= nr AND r_task[r] = k LOOP
      IF ok THEN
        expected := CASE WHEN r_ver[r] < 0 THEN seqs[-r_ver[r]] ELSE r_ver[r] END;
        SELECT c.ver INTO cur FROM ${ns}.cells c WHERE c.obj = r_obj[r] AND c.idx = r_idx[r];
        IF (r_ver[r] < 0 AND expected = 0) OR cur IS DISTINCT FROM expected THEN
          ok := false;
          bad[k] := r_obj[r] || '[' || r_idx[r] || ']';
        END IF;
      END IF;
      r := r + 1;
    END LOOP;
    IF NOT ok THEN
      WHILE w <= nw AND w_task[w] = k LOOP w := w + 1; END LOOP;
      IF stop_at_conflict THEN EXIT; END IF;
      CONTINUE;
    END IF;
    s := nextval('${ns}.commit_seq');
    seqs[k] := s;
    WHILE w <= nw AND w_task[w] = k LOOP
      IF w_op[w] = 2 THEN
        UPDATE ${ns}.cells SET num = num + w_num[w], ver = s WHERE obj = w_obj[w] AND idx = w_idx[w];
      ELSE
        UPDATE ${ns}.cells SET num = w_num[w], val = w_val[w], ver = s WHERE obj = w_obj[w] AND idx = w_idx[w];
      END IF;
      w := w + 1;
    END LOOP;
    IF p_run IS NOT NULL THEN
      INSERT INTO ${ns}.tasks VALUES (p_run, t_idx[k], s);
    END IF;
  END LOOP;
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
