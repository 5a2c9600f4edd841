/** The @ame/stm micro-benchmark's output is parsed into ns figures and targets. */
import { describe, expect, it } from 'vitest';
import { microNs, parseMicro } from '../src/overheads/micro.js';

const SAMPLE = `@ame/stm micro-benchmark: 2 cores, Node v20.20.2, median of 7
operation                                   ns/op   target  x plain
plain Float64Array read                       4.7          
tx read (TArray.get)                         24.7    <= 30   5.3x  met
tx write (TArray.set)                        17.4    <= 60   3.7x  met
write + its share of a 1024-cell commit     109.4            23.5x
small tx: 2 reads, 2 writes, commit         356.3            76.5x
  of which begin + commit (derived)         272.0   <= 300   58.4x  met
`;

describe('parseMicro', () => {
  it('reads every row with its figure and target', () => {
    const rows = parseMicro(SAMPLE);
    expect(rows.map((r) => r.operation)).toEqual([
      'plain Float64Array read',
      'tx read (TArray.get)',
      'tx write (TArray.set)',
      'write + its share of a 1024-cell commit',
      'small tx: 2 reads, 2 writes, commit',
      'of which begin + commit (derived)',
    ]);
    expect(rows[1]).toEqual({ operation: 'tx read (TArray.get)', ns: 24.7, target: 30 });
    const micro = { rows, header: '', ok: true };
    expect(microNs(micro, 'of which begin + commit')).toBe(272);
    expect(microNs(micro, 'missing')).toBeUndefined();
  });
});
