/**
 * `--json`: a result (FuzzResult, ReplayResult) as JSON for scripts and CI. Fields that are
 * undefined are left out; Values inside it (results, heaps, arguments) use the tagged
 * encoding of replay files (internal/json-values.ts), so undefined results, bigints, NaN,
 * -0 and Maps survive.
 */
import { toJson } from './internal/json-values.js';

/** `value` as indented JSON text (see the module comment). */
export function jsonReport(value: unknown): string {
  return JSON.stringify(plain(value), null, 2);
}

function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Map) return toJson(value);
  if (Array.isArray(value)) return value.map(plain);
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = plain(field);
  return out;
}
