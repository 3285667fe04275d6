// The worker-thread pool (piscina) plus the shared memory it uses for progress, cancel and
// bandwidth. The main thread only submits tasks and reads counters.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { SharedBandwidth } from './bandwidth';
import { createSharedBuffers, SharedSlots, SlotAllocator, type SharedBuffers } from './shared-state';
import type { Op, Task, TaskOf, TaskResult, WorkerInit } from './worker/protocol';
import { crashed, DEFAULT_BATCH_FILES, TaskBatcher } from './pool-batch';
import { configureWorkerHeap } from './worker-heap';

export const DEFAULT_WORKER_FILE = new URL('./worker/bootstrap.mjs', import.meta.url).href;

export interface PoolOptions {
  /** Worker module (file URL or path). Defaults to the tsx bootstrap; Electron passes its bundled worker. */
  workerFile?: string;
  workerCount?: number;
  /** Tasks awaiting the network overlap inside one worker. */
  tasksPerWorker?: number;
  /** Default true: large downloads are written and verified with direct I/O where possible (worker/direct-io.ts). */
  directIo?: boolean;
  /** Default true: object GETs on direct connections read into a reused buffer (worker/socket-get.ts). */
  socketGet?: boolean;
  /** Small-file tasks that start together cross to a worker in groups of up to this many (pool-batch.ts); 1 = never grouped. */
  batchFiles?: number;
}

export interface StartOptions {
  /** Runs on the hashing thread (default: hashFile tasks do). */
  hasher?: boolean;
  /** A whole small file: may share its crossing to the worker with others that start in the same turn. */
  batch?: boolean;
}

type TaskInput<K extends Op> = Omit<TaskOf<K>, 'slot'>;

/** A submitted task: its result, plus live views into its slot while it runs. */
export interface Running<K extends Op> {
  result: Promise<TaskResult<K>>;
  /** Bytes moved so far by this task (reads 0 after it ends). */
  progress(): number;
  /** Resolves with the part's last ciphertext block as soon as the worker has it; null if the task ended first. */
  lastBlock(): Promise<Buffer | null>;
  setWatermark(bytes: number): void;
  /** A hashing task may also read range task `range`'s bytes in [start, end) as it writes them (null: none). */
  follow(range: Running<'downloadRange'> | null, start: number, end: number): void;
  /** Its slot in the shared state, while it runs. */
  readonly slot: number;
  running(): boolean;
}

export class TransferPool {
  readonly slots: SharedSlots;
  readonly bandwidth: SharedBandwidth;
  private readonly alloc: SlotAllocator;
  private readonly piscina: Piscina;
  /**
   * Whole-file SHA-512 runs on a thread of its own: it is long and CPU-bound, and sharing an
   * event loop with network tasks stalled both (a 1 GiB download was 2× slower that way).
   */
  private readonly hasher: Piscina;
  private readonly buffers: SharedBuffers;
  private readonly batcher: TaskBatcher;

  constructor(opts: PoolOptions = {}) {
    this.buffers = createSharedBuffers();
    this.slots = new SharedSlots(this.buffers);
    this.alloc = new SlotAllocator(this.slots);
    this.bandwidth = new SharedBandwidth(this.buffers.bw);
    // One core is left to the main thread and the hashing thread. On 2 vCPUs a second worker
    // only competed with them, and compiled the same hot code a second time: 2,000 small files
    // took 3.1-4.2 s with one worker against 4.9-5.8 s with two; a 1 GiB file the same either way.
    const threads = Math.max(1, opts.workerCount ?? availableParallelism() - 1);
    configureWorkerHeap();
    const init: WorkerInit = {
      ctrl: this.buffers.ctrl,
      nums: this.buffers.nums,
      bw: this.buffers.bw,
      directIo: opts.directIo ?? true,
      socketGet: opts.socketGet ?? true,
    };
    this.piscina = new Piscina({
      filename: opts.workerFile ?? DEFAULT_WORKER_FILE,
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: opts.tasksPerWorker ?? 16,
      idleTimeout: 60_000,
      // Tasks keep sockets and timers alive between awaits: 'async' never blocks a worker's loop.
      atomics: 'async',
      workerData: init,
    });
    // Started by its first task, not with the pool: booting a worker costs ~0.2 CPU-s, and at a
    // command's start it competed with the main thread's loading and the transfer thread's boot
    // on 2 cores. Small downloads hash in the transfer thread and never need it; a large one
    // starts it with its first range, and it boots while that range arrives. (warm() still
    // starts it in the app.)
    this.hasher = new Piscina({
      filename: opts.workerFile ?? DEFAULT_WORKER_FILE,
      minThreads: 0,
      maxThreads: 1,
      concurrentTasksPerWorker: 8,
      idleTimeout: 60_000,
      atomics: 'async',
      workerData: init,
    });
    this.batcher = new TaskBatcher((t) => this.piscina.run(t), opts.batchFiles ?? DEFAULT_BATCH_FILES);
  }

  /** Batched tasks' crossings to a worker so far: a batch of many files counts once. */
  get batchCrossings(): number {
    return this.batcher.crossings;
  }

  get threads(): number {
    return this.piscina.maxThreads;
  }

  /** Whether the hashing thread is running (it starts with its first task). */
  get hashingThreadStarted(): boolean {
    return this.hasher.threads.length > 0;
  }

  start<K extends Op>(task: TaskInput<K>, signal?: AbortSignal, opts: StartOptions = {}): Running<K> {
    const slot = this.alloc.acquire();
    let ended = false;
    const onAbort = (): void => this.slots.cancel(slot);
    if (signal?.aborted) this.slots.cancel(slot);
    else signal?.addEventListener('abort', onAbort, { once: true });
    const full = { ...task, slot } as TaskOf<K>;
    const onHasher = opts.hasher ?? task.op === 'hashFile';
    const sent = opts.batch && !onHasher ? this.batcher.run(full as Task) : (onHasher ? this.hasher : this.piscina).run(full);
    const result = (sent as Promise<TaskResult<K>>)
      .catch((e: unknown) => crashed(e) as TaskResult<K>)
      .finally(() => {
        ended = true;
        signal?.removeEventListener('abort', onAbort);
        this.slots.releaseLastBlockWaiter(slot); // wakes a waiter, which then sees !alive()
        this.alloc.release(slot);
      });
    return {
      result,
      progress: () => (ended ? 0 : this.slots.progress(slot)),
      lastBlock: () => this.slots.waitLastBlock(slot, () => !ended),
      setWatermark: (bytes) => {
        if (!ended) this.slots.setWatermark(slot, bytes);
      },
      follow: (range, start, end) => {
        if (!ended) this.slots.follow(slot, range?.running() ? { slot: range.slot, start, end } : null);
      },
      slot,
      running: () => !ended,
    };
  }

  run<K extends Op>(task: TaskInput<K>, signal?: AbortSignal): Promise<TaskResult<K>> {
    return this.start(task, signal).result;
  }

  /** Starts every worker and loads its modules, so the first transfer does not pay for it. */
  async warm(): Promise<void> {
    await Promise.all([
      ...Array.from({ length: this.threads * 2 }, () => this.run<'cryptoBench'>({ op: 'cryptoBench', bytes: 16, chunk: 16 })),
      this.start<'cryptoBench'>({ op: 'cryptoBench', bytes: 16, chunk: 16 }, undefined, { hasher: true }).result,
    ]);
  }

  async close(): Promise<void> {
    await Promise.all([this.piscina.destroy(), this.hasher.destroy()]);
  }
}
