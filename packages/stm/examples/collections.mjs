import { Heap } from '@ame/stm';

const heap = Heap.create();
const users = heap.tmap('users'); // Map-like, keys: strings or numbers
const jobs = heap.tqueue('jobs'); // FIFO
const seen = heap.tset('seen');

heap.atomically(() => {
  users.update('bob', (u) => ({ visits: (u?.visits ?? 0) + 1 }));
  if (!seen.has('bob')) seen.add('bob');
  jobs.push({ user: 'bob' });
});
const job = heap.atomically(() => jobs.shift()); // { user: 'bob' }, or undefined when empty
console.log(`job ${JSON.stringify(job)}; bob ${JSON.stringify(users.get('bob'))}; seen ${seen.size}; jobs left ${jobs.size}`);
heap.detach();
