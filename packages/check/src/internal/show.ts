import { inspect } from 'node:util';
import type { Value } from '@ame/stm';

/** A value on one line, as JavaScript would print it (short). */
export function show(value: unknown): string {
  const text = inspect(value, { depth: 6, breakLength: Infinity, compact: true, maxArrayLength: 20, maxStringLength: 200 });
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** A call as `name(arg, arg)`. */
export function showCall(task: string, args: readonly Value[]): string {
  return `${task}(${args.map(show).join(', ')})`;
}
