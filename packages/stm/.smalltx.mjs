import { Heap } from '@ame/stm';
const heap = Heap.create();
const a = heap.tarray('a', 1024, 'f64');
const N = 3e6;
let t = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  const x = i & 1023, y = (i * 7) & 1023;
  heap.atomically(() => { const p = a.get(x), q = a.get(y); a.set(x, p - 1); a.set(y, q + 1); });
}
console.log('small tx ns', Number(process.hrtime.bigint() - t) / N);
t = process.hrtime.bigint();
for (let i = 0; i < N; i++) heap.atomically(() => {});
console.log('empty tx ns', Number(process.hrtime.bigint() - t) / N);
