export { GilQueue } from './gil-queue.js';
export { SequentialQueue } from './sequential-queue.js';
export type { QueueOptions, RunOptions, RunProgress, RunReport } from '@ame/pool';
