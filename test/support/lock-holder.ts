// Takes a process lock and holds it until killed (process-lock.test.ts kills it with SIGKILL).
//   node --import tsx test/support/lock-holder.ts <path>
import { tryProcessLock } from '../../main/core/transfer/process-lock';

const lock = tryProcessLock(process.argv[2] ?? '');
process.stdout.write(lock ? 'locked\n' : 'busy\n');
if (lock) setInterval(() => undefined, 60_000);
