/**
 * The one encoder and decoder of task records: a task's id and arguments, written straight
 * into the batch's shared record log at add() time and read back by the thread that runs
 * the task. Numbers, booleans, null, undefined and short strings take a fast path (no
 * allocation to write, none to read but the string itself); any other Value goes through
 * @ame/stm's codec.
 *
 * ## Record (8-byte slots from `start`; i32 words are halves of a slot)
 * | slot        | content                                                              |
 * |-------------|----------------------------------------------------------------------|
 * | start       | i32 task id, i32 argc                                                |
 * | start + 1   | i32 kinds: 3 bits per argument (argc <= 10), or ALL_ENCODED; i32 0    |
 * | start + 2.. | one payload slot per argument (ALL_ENCODED: one slot for all of them) |
 * | after them  | string units (u16) and encoded bytes (u8) the payloads point at       |
 * Payloads: K_NUMBER: the f64. K_STRING: i32 u16 offset, i32 length (units). K_ENCODED:
 * i32 byte offset, i32 byte length. Other kinds: unused. Offsets are absolute in the log.
 */
import { decodeValue, encodeValue, type Value } from '@ame/stm';

const K_NUMBER = 0;
const K_FALSE = 1;
const K_TRUE = 2;
const K_UNDEFINED = 3;
const K_NULL = 4;
const K_STRING = 5;
const K_ENCODED = 6;
const KIND_BITS = 3;
const MAX_FAST_ARGS = 10;
const ALL_ENCODED = -1;
/** Strings up to this many UTF-16 units are copied as units; longer ones use the codec. */
const SHORT_STRING = 64;

/** Where records are written and read: the batch's log views. */
export interface TaskRecordWriter {
  logF64: Float64Array<ArrayBufferLike>;
  logI32: Int32Array<ArrayBufferLike>;
  logU16: Uint16Array<ArrayBufferLike>;
  logU8: Uint8Array<ArrayBufferLike>;
  /** Grows the log to at least `slots` slots (re-making the views). */
  reserveSlots(slots: number): void;
}

/** Encoded arguments of one record being written (reused: no allocation per task). */
const encoded: (Uint8Array | undefined)[] = [];

/**
 * Writes the record of (taskId, args) at slot `start`; returns the first slot after it.
 * Throws a TypeError naming the argument (`argument 2: $.x`) if one is not a Value,
 * before anything is written.
 */
export function writeRecord(log: TaskRecordWriter, start: number, taskId: number, args: ArrayLike<unknown>): number {
  const argc = args.length;
  if (argc > MAX_FAST_ARGS) return writeAllEncoded(log, start, taskId, args);
  // Pass 1: kinds; numbers go straight into their payload slot (reserved first).
  log.reserveSlots(start + 2 + argc);
  const f64 = log.logF64;
  let kinds = 0;
  let extraBytes = 0;
  for (let k = 0; k < argc; k++) {
    const arg = args[k];
    let kind: number;
    switch (typeof arg) {
      case 'number':
        f64[start + 2 + k] = arg;
        continue; // K_NUMBER is 0
      case 'boolean':
        kind = arg ? K_TRUE : K_FALSE;
        break;
      case 'undefined':
        kind = K_UNDEFINED;
        break;
      case 'string':
        if (arg.length <= SHORT_STRING) {
          kind = K_STRING;
          extraBytes += 2 * arg.length;
        } else kind = encodeArg(arg, k);
        break;
      default:
        kind = arg === null ? K_NULL : encodeArg(arg, k);
    }
    if (kind === K_ENCODED) extraBytes += encoded[k]!.length;
    kinds |= kind << (KIND_BITS * k);
  }
  const i32 = log.logI32;
  i32[2 * start] = taskId;
  i32[2 * start + 1] = argc;
  i32[2 * start + 2] = kinds;
  i32[2 * start + 3] = 0;
  const end = start + 2 + argc + Math.ceil(extraBytes / 8);
  if (extraBytes === 0) return end;
  // Pass 2: strings and encoded values after the payload slots.
  log.reserveSlots(end);
  const w32 = log.logI32;
  let extra = 8 * (start + 2 + argc); // byte offset of the next extra data
  for (let k = 0; k < argc; k++) {
    const slot = start + 2 + k;
    const kind = (kinds >>> (KIND_BITS * k)) & 7;
    if (kind === K_STRING) {
      const text = args[k] as string;
      const at = extra >> 1;
      const u16 = log.logU16;
      for (let c = 0; c < text.length; c++) u16[at + c] = text.charCodeAt(c);
      w32[2 * slot] = at;
      w32[2 * slot + 1] = text.length;
      extra += 2 * text.length;
    } else if (kind === K_ENCODED) {
      const bytes = encoded[k]!;
      encoded[k] = undefined;
      log.logU8.set(bytes, extra);
      w32[2 * slot] = extra;
      w32[2 * slot + 1] = bytes.length;
      extra += bytes.length;
    }
  }
  return end;
}

/** Encodes argument `k` through the codec into `encoded[k]` (throws a TypeError naming it); returns K_ENCODED. */
function encodeArg(arg: unknown, k: number): number {
  encoded[k] = encodeValue(arg, `argument ${k + 1}`);
  return K_ENCODED;
}

/** More than MAX_FAST_ARGS arguments: one codec blob for all of them. */
function writeAllEncoded(log: TaskRecordWriter, start: number, taskId: number, args: ArrayLike<unknown>): number {
  const bytes = encodeValue(Array.from(args), 'arguments');
  const end = start + 3 + Math.ceil(bytes.length / 8);
  log.reserveSlots(end);
  const i32 = log.logI32;
  i32[2 * start] = taskId;
  i32[2 * start + 1] = args.length;
  i32[2 * start + 2] = ALL_ENCODED;
  i32[2 * start + 3] = 0;
  const at = 8 * (start + 3);
  i32[2 * (start + 2)] = at;
  i32[2 * (start + 2) + 1] = bytes.length;
  log.logU8.set(bytes, at);
  return end;
}

/** Decodes the arguments of the record at slot `start` into `out` (its length is set); returns `out`. */
export function readArgs(log: TaskRecordWriter, start: number, out: unknown[]): unknown[] {
  const i32 = log.logI32;
  const argc = i32[2 * start + 1]!;
  const kinds = i32[2 * start + 2]!;
  if (kinds === ALL_ENCODED) {
    const slot = start + 2;
    const at = i32[2 * slot]!;
    const all = decodeValue(log.logU8.subarray(at, at + i32[2 * slot + 1]!)) as Value[];
    out.length = argc;
    for (let k = 0; k < argc; k++) out[k] = all[k];
    return out;
  }
  if (out.length !== argc) out.length = argc;
  for (let k = 0; k < argc; k++) {
    const slot = start + 2 + k;
    switch ((kinds >>> (KIND_BITS * k)) & 7) {
      case K_NUMBER:
        out[k] = log.logF64[slot];
        break;
      case K_FALSE:
        out[k] = false;
        break;
      case K_TRUE:
        out[k] = true;
        break;
      case K_UNDEFINED:
        out[k] = undefined;
        break;
      case K_NULL:
        out[k] = null;
        break;
      case K_STRING: {
        const at = i32[2 * slot]!;
        const length = i32[2 * slot + 1]!;
        const u16 = log.logU16;
        let text = '';
        for (let c = 0; c < length; c++) text += String.fromCharCode(u16[at + c]!);
        out[k] = text;
        break;
      }
      default: {
        const at = i32[2 * slot]!;
        out[k] = decodeValue(log.logU8.subarray(at, at + i32[2 * slot + 1]!));
      }
    }
  }
  return out;
}

/** Calls `fn(ctx, ...args)` with exactly args.length arguments, without spreading for short lists. */
export function callWith(fn: (...a: never[]) => unknown, ctx: unknown, a: readonly unknown[]): unknown {
  const f = fn as (...a: unknown[]) => unknown;
  switch (a.length) {
    case 0:
      return f(ctx);
    case 1:
      return f(ctx, a[0]);
    case 2:
      return f(ctx, a[0], a[1]);
    case 3:
      return f(ctx, a[0], a[1], a[2]);
    case 4:
      return f(ctx, a[0], a[1], a[2], a[3]);
    case 5:
      return f(ctx, a[0], a[1], a[2], a[3], a[4]);
    default:
      return f(ctx, ...a);
  }
}
