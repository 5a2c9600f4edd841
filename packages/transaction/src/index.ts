export { TransactionQueue } from './transaction-queue.js';
export { taskModule, taskRef, TaskError } from '@ame/pool';
export type { QueueOptions, RunOptions, RunProgress, RunReport, TaskContext, TaskRef, TaskRefs } from '@ame/pool';
