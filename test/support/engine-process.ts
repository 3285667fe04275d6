// Parent side of engine-child.ts: spawn, read its JSON lines, await a condition, kill -9.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { OverallProgress, TransferView } from '../../main/core/transfer/types';
import type { ChildSpec } from './engine-child';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface ChildLine {
  event: 'progress' | 'enqueued' | 'settled';
  ids?: string[];
  items?: { id: string; bytesDone: number; size: number; state: string }[];
  overall?: OverallProgress;
  views?: TransferView[];
}

export interface EngineProcess {
  child: ChildProcess;
  /** Resolves with the first line matching `pred` (rejects if the process exits first). */
  waitFor(pred: (l: ChildLine) => boolean): Promise<ChildLine>;
  kill9(): Promise<void>;
  exit: Promise<number | null>;
  stderr(): string;
}

export function spawnEngine(spec: ChildSpec, opts: { dropPrivileges?: boolean } = {}): EngineProcess {
  const node = [process.execPath, '--import', 'tsx', 'test/support/engine-child.ts', JSON.stringify(spec)];
  // As root, permission bits do not stop reads; dropping CAP_DAC_* from the bounding set makes
  // this root process obey them (so EACCES can be tested).
  const argv = opts.dropPrivileges ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', ...node] : node;
  const child = spawn(argv[0] as string, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: ChildLine[] = [];
  const waiters: { pred: (l: ChildLine) => boolean; resolve: (l: ChildLine) => void; reject: (e: Error) => void }[] = [];
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  if (process.env.COURIER_DEBUG) child.stderr?.pipe(process.stderr);
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (s) => {
    if (!s.startsWith('{')) return;
    const l = JSON.parse(s) as ChildLine;
    lines.push(l);
    for (const w of [...waiters]) {
      if (w.pred(l)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
    }
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exit.then(() => {
    for (const w of waiters.splice(0)) w.reject(new Error(`engine exited before the awaited event; stderr:\n${err.slice(-3000)}`));
  });
  return {
    child,
    waitFor(pred) {
      const hit = lines.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => waiters.push({ pred, resolve, reject }));
    },
    async kill9() {
      child.kill('SIGKILL');
      await exit;
    },
    exit,
    stderr: () => err,
  };
}
