// Takes a process lock and holds it until killed (process-lock.test.ts kills it with SIGKILL),
// or until it reads `remove` on stdin: then it releases the lock and removes its file, and says `removed`.
//   node --import tsx test/support/lock-holder.ts <path>
import { createInterface } from 'node:readline';
import { tryProcessLock } from '../../main/core/transfer/process-lock';

const lock = tryProcessLock(process.argv[2] ?? '');
process.stdout.write(lock ? 'locked\n' : 'busy\n');
if (lock) {
  const keepAlive = setInterval(() => undefined, 60_000);
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line !== 'remove') return;
    lock.releaseAndRemove();
    process.stdout.write('removed\n');
    clearInterval(keepAlive);
    process.stdin.destroy();
  });
}
