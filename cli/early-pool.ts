// The transfer commands' worker threads, started as soon as the command is known. Booting a
// worker (a V8 isolate loading the transfer code) takes as long as the main thread's own module
// loading and sign-in; started when the transfer service is created, it came after both, and
// the first byte moved ~2 s into a 1 GiB download on a busy 2-core machine. Started here, the
// threads boot on the other core meanwhile.
import type { TransferPool } from '../main/core/transfer/pool';
import { bundledWorkerFile } from './bundled-worker';
import { trace, tracing } from './trace';

let early: Promise<TransferPool> | null = null;

/**
 * Starts the pool's threads (once per process). Awaited before the command loads the core: the
 * pool's own modules are few, but an import racing the core's ~2 MB of modules finishes with
 * them, and the threads then started ~0.5 s late, on the critical path of the first byte.
 */
export async function startPoolEarly(): Promise<void> {
  if (early) return;
  trace('worker threads starting');
  early = import('../main/core/transfer/pool').then(({ TransferPool }) => {
    const workerFile = bundledWorkerFile();
    const pool = new TransferPool(workerFile ? { workerFile } : {});
    // When the thread can take its first task (booted, modules loaded): traced runs only.
    if (tracing)
      void pool.run<'cryptoBench'>({ op: 'cryptoBench', bytes: 16, chunk: 16 }).then(
        () => trace('transfer thread ready'),
        () => undefined,
      );
    return pool;
  });
  // A failure is the transfer service's to report (takeEarlyPool rethrows it there).
  await early.then(
    () => trace('worker threads started'),
    () => undefined,
  );
}

/** The pool started early, handed to one transfer service (which then owns it); undefined if none. */
export async function takeEarlyPool(): Promise<TransferPool | undefined> {
  const p = early;
  early = null;
  return p ? await p : undefined;
}

/** Closes a pool nobody took (the command ended before its transfer), so no thread keeps the process alive. */
export async function closeEarlyPool(): Promise<void> {
  const pool = await takeEarlyPool();
  await pool?.close();
}
