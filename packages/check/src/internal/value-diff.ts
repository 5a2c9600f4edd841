/**
 * Where two values first differ, as a path (`.sum`, `[3]`, `{"bob"}`); undefined if they
 * are equal. Equality as the heap defines it: Object.is for primitives, arrays and plain
 * objects structurally, Maps by sorted entries.
 */
export function firstValueDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return path;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return path;
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (i >= a.length || i >= b.length) return `${path}[${i}]`;
      const inner = firstValueDifference(a[i], b[i], `${path}[${i}]`);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map)) return path;
    const keys = [...new Set([...a.keys(), ...b.keys()])].sort(compareKeys);
    for (const key of keys) {
      const sub = `${path}{${JSON.stringify(key)}}`;
      if (!a.has(key) || !b.has(key)) return sub;
      const inner = firstValueDifference(a.get(key), b.get(key), sub);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
  for (const key of keys) {
    const sub = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
    if (!Object.hasOwn(x, key) || !Object.hasOwn(y, key)) return sub;
    const inner = firstValueDifference(x[key], y[key], sub);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** The value at a path produced by firstValueDifference (undefined where it is missing). */
export function valueAt(value: unknown, path: string): unknown {
  let current = value;
  const step = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}/gy;
  let match: RegExpExecArray | null;
  while ((match = step.exec(path)) !== null) {
    if (current === null || typeof current !== 'object') return undefined;
    if (match[1] !== undefined) current = (current as Record<string, unknown>)[match[1]];
    else if (match[2] !== undefined) current = (current as unknown[])[Number(match[2])];
    else if (match[3] !== undefined) current = (current as Record<string, unknown>)[JSON.parse(match[3]) as string];
    else if (match[4] !== undefined) current = current instanceof Map ? current.get(JSON.parse(match[4]) as unknown) : undefined;
    if (step.lastIndex === path.length) break;
  }
  return current;
}

/** Map key order of heap.snapshot(): numbers ascending, then strings. */
function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
