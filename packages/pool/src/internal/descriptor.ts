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
  let kinds = 0;
  let extraBytes = 0;
  let allEncoded: Uint8Array | undefined;
  if (argc > MAX_FAST_ARGS) {
    allEncoded = encodeValue(Array.from(args), 'arguments');
    kinds = ALL_ENCODED;
    extraBytes = allEncoded.length;
  } else {
    for (let k = 0; k < argc; k++) {
      const arg = args[k];
      let kind: number;
      encoded[k] = undefined;
      switch (typeof arg) {
        case 'number':
          kind = K_NUMBER;
          break;
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
            break;
          }
          kind = K_ENCODED;
          break;
        default:
          kind = arg === null ? K_NULL : K_ENCODED;
      }
      if (kind === K_ENCODED) {
        const bytes = encodeValue(arg, `argument ${k + 1}`);
        encoded[k] = bytes;
        extraBytes += bytes.length;
      }
      kinds |= kind << (KIND_BITS * k);
    }
  }
  const payloads = kinds === ALL_ENCODED ? 1 : argc;
  const end = start + 2 + payloads + Math.ceil(extraBytes / 8);
  log.reserveSlots(end);
  const i32 = log.logI32;
  const f64 = log.logF64;
  i32[2 * start] = taskId;
  i32[2 * start + 1] = argc;
  i32[2 * start + 2] = kinds;
  i32[2 * start + 3] = 0;
  let extra = 8 * (start + 2 + payloads); // byte offset of the next extra data
  if (allEncoded) {
    i32[2 * (start + 2)] = extra;
    i32[2 * (start + 2) + 1] = allEncoded.length;
    log.logU8.set(allEncoded, extra);
    return end;
  }
  for (let k = 0; k < argc; k++) {
    const slot = start + 2 + k;
    const kind = (kinds >>> (KIND_BITS * k)) & 7;
    if (kind === K_NUMBER) f64[slot] = args[k] as number;
    else if (kind === K_STRING) {
      const text = args[k] as string;
      const at = extra >> 1;
      const u16 = log.logU16;
      for (let c = 0; c < text.length; c++) u16[at + c] = text.charCodeAt(c);
      i32[2 * slot] = at;
      i32[2 * slot + 1] = text.length;
      extra += 2 * text.length;
    } else if (kind === K_ENCODED) {
      const bytes = encoded[k]!;
      encoded[k] = undefined;
      log.logU8.set(bytes, extra);
      i32[2 * slot] = extra;
      i32[2 * slot + 1] = bytes.length;
      extra += bytes.length;
    }
  }
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
export function callWith(fn: (...a: never[]) => unknown, ctx: unknown, a: unknown[]): unknown {
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
