/**
 * Fault injection for tests (AME_FAULT, AME_FAULT_SEED): the one mechanism lives in
 * `@ame/stm/fault`, where the commit protocol's `commit-exit` points are; the pool adds the
 * `task-exit` points around task bodies (internal/attempt.ts) and disarms them during a
 * worker's warm-up.
 */
export {
  armFaults,
  COMMIT_EXIT_CODE,
  disarmFaults,
  FAULT_EXIT_CODE,
  FAULTS,
  type FaultKind,
  type FaultSetting,
  faultPoint,
  parseFaults,
} from '@ame/stm/fault';
