// The transfer threads' V8 heap. Their JS heap stays small (~10 MB) while they move gigabytes
// through short-lived Buffers. V8 sizes a small heap's old-generation limit from its size
// (~25 MB here), and whenever the room left under that limit is no larger than the young
// generation it starts a full mark-compact to be sure a scavenge can promote: measured with
// --trace-gc, the transfer thread of a 1 GiB CLI download ran ~70 mark-compacts (and their
// concurrent-marking helper threads). Starting the old generation at 128 MB removed all of them
// and a third of the command's CPU. The heap still grows only as it is used: this raises a
// threshold, it does not reserve memory.
import { setFlagsFromString } from 'node:v8';

const INITIAL_OLD_SPACE_MB = 128;
let applied = false;

/**
 * V8 reads heap flags when an isolate is created, so this must run before the pool's worker
 * threads start; it does not change the calling thread's own heap.
 */
export function configureWorkerHeap(): void {
  if (applied || process.env.COURIER_DEFAULT_WORKER_HEAP) return;
  applied = true;
  setFlagsFromString(`--initial-old-space-size=${INITIAL_OLD_SPACE_MB}`);
}
