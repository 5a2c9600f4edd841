/** Every workload, in the order reports list them. */
import { bank } from './bank.js';
import { compute } from './compute.js';
import { hotkey } from './hotkey.js';
import { kmeans } from './kmeans.js';
import { longtx } from './longtx.js';
import { mapmix } from './mapmix.js';
import { pipeline } from './pipeline.js';
import { readmostly } from './readmostly.js';
import { tiny } from './tiny.js';
import { wordcount } from './wordcount.js';
import type { Workload } from './types.js';

export const workloads: readonly Workload[] = [
  bank,
  compute,
  hotkey,
  tiny,
  readmostly,
  longtx,
  kmeans,
  mapmix,
  wordcount,
  pipeline,
];
