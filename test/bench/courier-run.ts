// One Courier transfer in a process of its own, so its peak RSS and event-loop delay are its
// own (not the benchmark driver's, nor the sandbox's). Prints one JSON line.
//   npx tsx test/bench/courier-run.ts '<json RunSpec>'
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SharedRateLimiter } from '../../main/core/rescale/rate-limiter';
import { defaultBudgets } from '../../main/core/rescale/scopes';
import { createTransferService } from '../../main/core/transfer/service';
import { createAesGcmSealer } from '../../main/core/transfer/sealer';
import type { LimitsInput, TransferView } from '../../main/core/transfer/types';
import { SandboxStorage } from '../support/sandbox-storage';

export interface RunSpec {
  apiUrl: string;
  token: string;
  s3Endpoint: string;
  azureBlobEndpoint?: string | null;
  stateDir: string;
  mode: 'upload' | 'download' | 'download-folder';
  /** upload: local paths (files or folders); download: file ids; download-folder: [folderId] */
  inputs: string[];
  dir?: string;
  /** upload: the Rescale folder to upload into (default My Library) */
  folderId?: string;
  limits?: LimitsInput;
  workerCount?: number;
  /** A bundled worker (the benchmark runs bundles, like the packaged app, not tsx). */
  workerFile?: string;
  /** The app's API rate limiter (its default budgets, state under stateDir), for a sandbox with the platform's limits on. */
  apiLimited?: boolean;
}

export interface RunResult {
  seconds: number;
  bytes: number;
  files: number;
  failed: number;
  maxRssMiB: number;
  /** CPU seconds of the whole process (all threads) during the transfer. */
  cpuSeconds: number;
  loopP99Ms: number;
  loopMaxMs: number;
  remoteIds: string[];
  /** Seconds until every byte was stored (uploads; registrations may follow later). */
  bytesSeconds?: number;
  batchFolderId?: string;
  firstError?: string;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as RunSpec;
const limiter = spec.apiLimited ? { limiter: new SharedRateLimiter(join(spec.stateDir, 'limiter'), spec.apiUrl, defaultBudgets) } : {};
const storage = new SandboxStorage({ apiUrl: spec.apiUrl, token: spec.token, s3Endpoint: spec.s3Endpoint, azureBlobEndpoint: spec.azureBlobEndpoint ?? null, ...limiter });
const svc = await createTransferService({
  storage,
  journalPath: join(spec.stateDir, `journal-${randomBytes(4).toString('hex')}.db`),
  sealer: createAesGcmSealer(randomBytes(32)),
  // BENCH_WORKERS: the transfer workers' count (default: one per core but one), for tuning.
  ...(spec.workerCount || process.env.BENCH_WORKERS ? { workerCount: spec.workerCount ?? Number(process.env.BENCH_WORKERS) } : {}),
  ...(spec.workerFile ? { workerFile: spec.workerFile } : {}),
  ...(spec.limits ? { limits: spec.limits } : {}),
  // BENCH_NO_DIRECT_IO=1: downloads through the page cache, to measure what direct I/O changes.
  ...(process.env.BENCH_NO_DIRECT_IO ? { directIo: false } : {}),
});
// Warm the workers (thread start + module load) so the timing covers the transfer only.
await svc.warm();

const threadCpu0 = threadCpu();
const h = monitorEventLoopDelay({ resolution: 5 });
h.enable();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let bytesSeconds: number | undefined;
svc.onProgress((b) => {
  if (bytesSeconds === undefined && b.overall.bytesTotal > 0 && b.overall.bytesDone >= b.overall.bytesTotal) bytesSeconds = (performance.now() - t0) / 1000;
});
let views: TransferView[];
if (spec.mode === 'upload') views = await svc.enqueueUpload(spec.inputs, spec.folderId ? { folderId: spec.folderId } : {});
else if (spec.mode === 'download') views = await svc.enqueueDownload(spec.inputs, spec.dir ?? '.', { conflict: 'overwrite' });
else views = await svc.enqueueDownloadFolder(spec.inputs[0] ?? '', spec.dir ?? '.', { conflict: 'overwrite' });
const settled = await svc.whenSettled(views.map((v) => v.id));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
h.disable();
const files = settled.filter((v) => !v.isBatch);
const result: RunResult = {
  seconds,
  bytes: files.reduce((a, v) => a + v.size, 0),
  files: files.length,
  failed: files.filter((v) => v.state !== 'done').length,
  maxRssMiB: process.resourceUsage().maxRSS / 1024,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  loopP99Ms: h.percentile(99) / 1e6,
  loopMaxMs: h.max / 1e6,
  remoteIds: files.map((v) => v.remoteFileId ?? ''),
  ...(bytesSeconds !== undefined ? { bytesSeconds } : {}),
  ...(files.find((v) => v.error) ? { firstError: JSON.stringify(files.find((v) => v.error)?.error) } : {}),
};
if (process.env.BENCH_THREAD_CPU) process.stderr.write(`thread CPU s: ${JSON.stringify(threadCpuSince(threadCpu0))}\n`);
await svc.close();
process.stdout.write(`${JSON.stringify(result)}\n`);

/** CPU ticks per thread (Linux /proc), user and system: where a run's CPU went (BENCH_THREAD_CPU=1). */
function threadCpu(): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      out.set(`${name}#${tid}`, [Number(stat[11]), Number(stat[12])]);
    }
  } catch {
    // not Linux: no per-thread figures
  }
  return out;
}

/** Seconds per thread since `before`, as "user+system" (system time is mostly page faults and I/O copies). */
function threadCpuSince(before: Map<string, [number, number]>): Record<string, string> {
  const byName: Record<string, string> = {};
  for (const [k, [u, s]] of threadCpu()) {
    const [u0, s0] = before.get(k) ?? [0, 0];
    const user = (u - u0) / 100;
    const sys = (s - s0) / 100;
    if (user + sys >= 0.05) byName[k] = `${user.toFixed(2)}+${sys.toFixed(2)}`;
  }
  return byName;
}
