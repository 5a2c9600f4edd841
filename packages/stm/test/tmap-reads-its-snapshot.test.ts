/**
 * A TMap read sees the map as of its transaction's snapshot, even for keys another thread
 * inserts in the middle of it: a probe reads claimed key cells without recording them (a
 * slot keeps its key, hash-table.ts H1); a key claimed after the snapshot has no value in
 * it, and a lookup that found the key absent recorded the empty slot the insert claimed.
 * The "other thread" is a second handle on the same heap in this thread, committing inside
 * the first transaction: deterministic, no timing. The first attempt's observations are
 * checked; the transaction then re-runs (its probe met the new key) and sees the insert.
 */
import { Heap } from '@ame/stm';
import { expect, test } from 'vitest';

for (const keys of [1, 5, 40]) {
  test(`a key inserted after the snapshot stays invisible to it (${keys} keys already there)`, () => {
    const mine = Heap.create();
    const theirs = Heap.attach(mine.handle);
    const map = mine.tmap<string, number>('users');
    const other = theirs.tmap<string, number>('users');
    mine.atomically(() => {
      for (let k = 0; k < keys; k++) map.set(`old${k}`, k);
    });
    let attempts = 0;
    let first: unknown[] = [];
    const final = mine.atomically(() => {
      attempts++;
      const before = [map.get('new'), map.has('new')];
      if (attempts === 1) theirs.atomically(() => other.set('new', 7));
      const after = [map.get('new'), map.has('new'), map.size];
      if (attempts === 1) first = [...before, ...after];
      map.set('mine', 1); // an update: it commits only if what it read is still current
      return map.get('new');
    });
    expect(first).toEqual([undefined, false, undefined, false, keys]);
    expect(attempts).toBe(2); // the first lookup recorded the empty slot the insert claimed: a conflict
    expect(final).toBe(7);
    theirs.detach();
    mine.detach();
  });
}

test("a key's value changed by another thread after the snapshot: the old value is read, then the update re-runs", () => {
  const mine = Heap.create();
  const theirs = Heap.attach(mine.handle);
  const map = mine.tmap<string, number>('users');
  const other = theirs.tmap<string, number>('users');
  mine.atomically(() => map.set('bob', 1));
  let attempts = 0;
  const seen: number[] = [];
  mine.atomically(() => {
    attempts++;
    if (attempts === 1) theirs.atomically(() => other.set('bob', 2)); // bob's value changes: must conflict
    seen.push(map.get('bob')!);
    map.set('seen', map.get('bob')!);
  });
  expect(seen).toEqual([1, 2]);
  expect(attempts).toBe(2);
  expect(mine.atomically(() => map.get('seen'))).toBe(2);
  theirs.detach();
  mine.detach();
});

test('a thread that remembered where its keys are still finds them after another thread grew the table', () => {
  const mine = Heap.create();
  const theirs = Heap.attach(mine.handle);
  const map = mine.tmap<string, number>('users');
  const other = theirs.tmap<string, number>('users');
  mine.atomically(() => {
    for (let k = 0; k < 4; k++) map.set(`k${k}`, k);
  });
  // This thread looks its keys up (and remembers their slots in the 15-slot table).
  expect(mine.atomically(() => [0, 1, 2, 3].map((k) => map.get(`k${k}`)))).toEqual([0, 1, 2, 3]);
  // Another thread grows the table several times over and changes every old key.
  theirs.atomically(() => {
    for (let k = 0; k < 500; k++) other.set(`n${k}`, k);
    for (let k = 0; k < 4; k++) other.set(`k${k}`, 100 + k);
  });
  expect(mine.atomically(() => [0, 1, 2, 3].map((k) => map.get(`k${k}`)))).toEqual([100, 101, 102, 103]);
  expect(mine.atomically(() => [map.get('n0'), map.get('n499'), map.size])).toEqual([0, 499, 504]);
  // Deleted and re-added keys keep their slot; a fresh lookup agrees with the remembered one.
  theirs.atomically(() => other.delete('k2'));
  expect(mine.atomically(() => [map.get('k2'), map.has('k2')])).toEqual([undefined, false]);
  theirs.atomically(() => other.set('k2', 7));
  expect(mine.atomically(() => map.get('k2'))).toBe(7);
  theirs.detach();
  mine.detach();
});
