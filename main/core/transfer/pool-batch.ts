// Small-file tasks that start together cross to the worker as ONE pool task. Each crossing is a
// structured clone and a postMessage on both threads plus piscina's bookkeeping: in the worker's
// profile of 64 KiB uploads, its postMessage alone was half of its AES time. A batch pays the
// message once for many files (the clone is still per task).
// Nothing else is shared: every task keeps its own slot (cancel, progress) and its own result, so
// one file's failure, cancel or retry never touches its batch mates.
import type { Op, Task, TaskResult } from './worker/protocol';

/** What the pool runs on a worker for a batch: the tasks, each as it would run alone. */
export interface BatchTask {
  op: 'batch';
  tasks: Task[];
}
export type BatchResult = TaskResult<Op>[];

interface Waiting {
  task: Task;
  settle: (r: TaskResult<Op>) => void;
}

/** Files per crossing: enough to amortise it, few enough that a batch's results do not wait long for its slowest file. */
export const DEFAULT_BATCH_FILES = 8;

export class TaskBatcher {
  private waiting: Waiting[] = [];
  private scheduled = false;
  /** Messages sent so far (a batch counts once). */
  crossings = 0;

  constructor(
    private readonly send: (t: Task | BatchTask) => Promise<unknown>,
    private readonly maxFiles: number = DEFAULT_BATCH_FILES,
  ) {}

  /** Queues `task` for the next crossing: when `maxFiles` are waiting, or once the current turn of the event loop is over. */
  run(task: Task): Promise<TaskResult<Op>> {
    return new Promise((settle) => {
      this.waiting.push({ task, settle });
      if (this.waiting.length >= this.maxFiles) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const group = this.waiting;
    this.waiting = [];
    if (group.length === 0) return;
    this.crossings++;
    const only = group.length === 1 ? group[0] : undefined;
    if (only) {
      void (this.send(only.task) as Promise<TaskResult<Op>>).then(only.settle, (e: unknown) => only.settle(crashed(e)));
      return;
    }
    void (this.send({ op: 'batch', tasks: group.map((w) => w.task) }) as Promise<BatchResult>).then(
      (results) => group.forEach((w, i) => w.settle(results[i] ?? crashed(new Error('the batch returned no result for this task')))),
      (e: unknown) => group.forEach((w) => w.settle(crashed(e))),
    );
  }
}

/** The worker died or refused the task: retryable, like any task lost with its thread. */
export function crashed(e: unknown): TaskResult<Op> {
  return { ok: false, error: { code: 'internal', message: `worker failed: ${e instanceof Error ? e.message : String(e)}`, retryable: true } };
}
