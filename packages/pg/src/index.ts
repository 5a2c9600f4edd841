export { PgHeap } from './heap.js';
export type { PgHeapOptions } from './heap.js';
export { PgTArray, PgTCounter, PgTVar } from './handles.js';
export { PgConnectionError, PgHeapClosedError, PgQueryError, PgStartError } from './errors.js';
