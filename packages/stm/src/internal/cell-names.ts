/**
 * The key a cell stands for, as conflicts and histories name it: `name` (tvar, tcounter),
 * `name[i]` (tarray element), `name{"bob"}` / `name{7}` (a TMap key or TSet element: its key
 * and value cells alike), `name.size`, `name.table`, `name.used` (a map's shared cells),
 * `name.head`, `name.tail`, `name.ring`, `name.ring[i]` (a queue's cells). In histories a
 * key's key cell is `name{"bob"}.key` (see collectionCellName).
 *
 * Diagnostic only: cells of a table or ring are found by walking the blocks the object's
 * root cell holds now and in its kept versions, with plain loads of committed words. A
 * block freed meanwhile is simply not found (the cell is then named `name{?}` or
 * `cell@address`); nothing here is on a transaction's path.
 */
import type { Entry } from './directory.js';
import { decodeKey } from './keys.js';
import {
  B_LENGTH,
  B_PAYLOAD,
  C_CHAIN,
  C_REF,
  CB_CELLS,
  CB_COUNT,
  CELL_BYTES,
  CELL_SHIFT,
  KIND_TARRAY,
  KIND_TMAP,
  KIND_TQUEUE,
  KIND_TSET,
  R_NEXT,
  R_REF,
} from './layout.js';
import type { Memory } from './memory.js';

const MAP_ROOT = ['table', 'size'];
const QUEUE_ROOT = ['ring', 'head', 'tail'];
/** Old versions of a root cell looked at, at most. */
const MAX_VERSIONS = 64;

/** The name of `cell` if it is one of `entry`'s root cells, else undefined. */
export function rootCellName(entry: Entry, cell: number): string | undefined {
  if (cell < entry.base || cell >= entry.base + (entry.length << CELL_SHIFT)) return undefined;
  const index = (cell - entry.base) >> CELL_SHIFT;
  if (entry.kind === KIND_TARRAY) return `${entry.name}[${index}]`;
  if (entry.kind === KIND_TMAP || entry.kind === KIND_TSET) return `${entry.name}.${MAP_ROOT[index]}`;
  if (entry.kind === KIND_TQUEUE) return `${entry.name}.${QUEUE_ROOT[index]}`;
  return entry.name;
}

/**
 * The name of `cell` if it lies in a table or ring of collection `entry`, else undefined.
 * A TMap slot's key cell is named like its value cell plus `keySuffix`: '' for conflicts
 * (the user's key either way), '.key' for histories, where the key cell (claimed once, by
 * an insert, and read only by lookups that found it empty: hash-table.ts H1) and the value
 * cell must stay apart, or a lookup that missed would look like it read a value.
 */
export function collectionCellName(mem: Memory, entry: Entry, cell: number, keySuffix: string): string | undefined {
  if (entry.kind !== KIND_TMAP && entry.kind !== KIND_TSET && entry.kind !== KIND_TQUEUE) return undefined;
  mem.refresh(); // blocks may lie past this thread's views
  const root = entry.base; // TABLE and RING are the first root cell
  let block = mem.i32[(root + C_REF) >> 2]!;
  let record = mem.i32[(root + C_CHAIN) >> 2]!;
  for (let seen = 0; block > 0 && block < mem.limit && seen < MAX_VERSIONS; seen++) {
    const count = mem.i32[(block + CB_COUNT) >> 2]!;
    const first = block + CB_CELLS;
    if (cell >= first && cell < first + count * CELL_BYTES)
      return nameIn(mem, entry, block, (cell - first) >> CELL_SHIFT, keySuffix);
    if (record <= 0 || record >= mem.limit) break;
    block = mem.i32[(record + R_REF) >> 2]!;
    record = mem.i32[(record + R_NEXT) >> 2]!;
  }
  return undefined;
}

function nameIn(mem: Memory, entry: Entry, block: number, index: number, keySuffix: string): string {
  if (entry.kind === KIND_TQUEUE) return `${entry.name}.ring[${index}]`;
  if (index === 0) return `${entry.name}.used`;
  const keyCell = block + CB_CELLS + CELL_BYTES + ((index - 1) >> 1) * 2 * CELL_BYTES;
  const ref = mem.i32[(keyCell + C_REF) >> 2]!;
  mem.ensure(ref + B_PAYLOAD);
  if (ref <= 0 || ref >= mem.limit) return `${entry.name}{?}`;
  mem.ensure(ref + B_PAYLOAD + mem.i32[(ref + B_LENGTH) >> 2]!);
  const key = decodeKey(mem.u8, ref + B_PAYLOAD);
  const name = `${entry.name}{${typeof key === 'number' ? String(key) : JSON.stringify(key)}}`;
  return index % 2 === 1 ? name + keySuffix : name; // cells 1, 3, 5 ... are key cells
}
