// Courier vs awscli v2 vs rclone against the sandbox S3, all in the same run on one machine.
//   npx tsx test/bench/transfer-bench.ts            (BENCH_RUNS=3 for medians of 3)
// Env: BENCH_RUNS (1), BENCH_CASES (comma list of: big,small,crypto,rss,azure,limited), BENCH_BIG_MIB (1024),
//      BENCH_LIMITED_N (2000: files of the upload with the platform's API limits on; ~20 min),
//      BENCH_SMALL_N (2000), BENCH_HUGE_MIB (4096), BENCH_KEEP_DATA (keep bench/data),
//      BENCH_COURIER_LIMITS (JSON LimitsInput, for tuning experiments), BENCH_TOOLS (comma list of
//      courier,aws,rclone; all by default: a subset is for tuning, its ratios are left empty),
//      BENCH_NO_DIRECT_IO (Courier downloads through the page cache), BENCH_THREAD_CPU (CPU per thread),
//      BENCH_WORKERS (Courier's transfer threads; default one per core but one), BENCH_PROFILE_COURIER=<dir> (CPU profiles).
// Tools run interleaved (Courier, aws, rclone, then again), so a burst of load from elsewhere
// on this shared machine hits all of them alike. Writes bench/results.json and
// docs/benchmarks.md. Measures, never asserts.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LimitsInput } from '../../main/core/transfer/types';
import { SandboxStorage } from '../support/sandbox-storage';
import { cryptoBench } from './crypto-bench';
import { ensureBig, ensureSmall } from './data';
import type { RunResult } from './courier-run';
import { aws, buildBundles, courier, rclone, settleDisk, startSandboxProcess, type SandboxProc } from './procs';
import { markdown, table, type Results, type Row } from './report';
import { IN_PROCESS, replaceSection } from './cli-report';
import { limitedCase } from './limited-bench';

const ROOT = new URL('../../', import.meta.url).pathname;
const MiB = 1 << 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const CASES = new Set((process.env.BENCH_CASES ?? 'big,small,crypto,rss,azure,limited').split(','));
const LIMITED_N = Number(process.env.BENCH_LIMITED_N ?? 2000);
const BIG = Number(process.env.BENCH_BIG_MIB ?? 1024) * MiB;
const SMALL_N = Number(process.env.BENCH_SMALL_N ?? 2000);
const TOOLS = (process.env.BENCH_TOOLS ?? 'courier,aws,rclone').split(',') as Tool[];
const HUGE = Number(process.env.BENCH_HUGE_MIB ?? 4096) * MiB;

const median = (xs: number[]): number => (xs.length ? ([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number) : NaN);

type Tool = 'courier' | 'aws' | 'rclone';
/** One timed run of a tool: wall seconds and the CPU seconds of the tool's own process. */
type Runner = (run: number) => Promise<{ seconds: number; cpuSeconds: number }>;

/** Courier's own measurements (CPU, RSS) of the runs since the last compare(). */
let courierRuns: RunResult[] = [];
async function courierRun(spec: Parameters<typeof courier>[0]): Promise<RunResult> {
  const r = await courier(spec);
  courierRuns.push(r);
  return r;
}

/** Runs the three tools in turn, RUNS times; medians of wall time and of the sandbox's CPU. */
async function compare(sb: SandboxProc, label: string, bytes: number, fns: Record<Tool, Runner>, before?: () => Promise<void>): Promise<Row> {
  courierRuns = [];
  const t: Record<Tool, number[]> = { courier: [], aws: [], rclone: [] };
  const cpu: Record<Tool, number[]> = { courier: [], aws: [], rclone: [] };
  const own: Record<Tool, number[]> = { courier: [], aws: [], rclone: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const tool of TOOLS) {
      await before?.();
      await settleDisk();
      const c0 = sb.cpuSeconds();
      const r = await fns[tool](i);
      t[tool].push(r.seconds);
      cpu[tool].push(sb.cpuSeconds() - c0);
      own[tool].push(r.cpuSeconds);
      process.stderr.write(`  ${label} · ${tool} · run ${i + 1}: ${r.seconds.toFixed(2)} s (sandbox CPU ${(cpu[tool].at(-1) ?? 0).toFixed(1)} s, ${tool} CPU ${r.cpuSeconds.toFixed(1)} s)\n`);
    }
  }
  return {
    case: label,
    bytes,
    courier: median(t.courier),
    aws: median(t.aws),
    rclone: median(t.rclone),
    sandboxCpu: { courier: median(cpu.courier), aws: median(cpu.aws), rclone: median(cpu.rclone) },
    clientCpu: { courier: median(own.courier), aws: median(own.aws), rclone: median(own.rclone) },
    courierCpuSeconds: median(courierRuns.map((r) => r.cpuSeconds)),
    courierPeakRssMiB: Math.max(...courierRuns.map((r) => r.maxRssMiB)),
  };
}

/**
 * A fresh output folder per tool and run (small files), removed only after the case. Deleting the previous
 * tool's output just before the next run made that run pay for it: ext4 skips recently deleted
 * inodes when it allocates new ones, and creating 2,000 files cost 0.65-0.99 s of system CPU
 * right after 2,000 were deleted against 0.15-0.18 s otherwise (measured here).
 */
function runDir(base: string, tool: Tool, i: number): string {
  return join(base, `${tool}-${i}`);
}

/**
 * One unmeasured round of every tool against the fresh sandbox. The sandbox runs under tsx and
 * V8 optimises its hot paths during the first few thousand requests; without this, whichever
 * tool goes first (Courier) pays for that warm-up: measured 4.7 s of sandbox CPU for the first
 * 2,000-file upload against 3.1 s for the same upload repeated.
 */
async function warmUp(sb: SandboxProc, data: string, work: string, base: Omit<Parameters<typeof courier>[0], 'mode' | 'inputs'>, storage: SandboxStorage): Promise<void> {
  const files = await ensureSmall(join(data, 'warm-300'), 300, 64 * 1024);
  const bucket = sb.s3Admin.bucket;
  const root = await storage.uploadTarget();
  const folder = await storage.createFolder(root.rootFolderId, `warm-up-${Date.now()}`);
  const up = await courier({ ...base, mode: 'upload', inputs: [files], folderId: folder.id });
  const remote = (await storage.listFolder(folder.id)).folders.find((f) => f.name === 'warm-300');
  if (remote) await courier({ ...base, mode: 'download-folder', inputs: [remote.id], dir: join(work, 'warm-dl') });
  await aws(sb, ['--recursive', files, `s3://${bucket}/bench/warm/aws/`]);
  await aws(sb, ['--recursive', `s3://${bucket}/bench/warm/aws/`, join(work, 'warm-aws')]);
  await rclone(sb, [files, `s3r:${bucket}/bench/warm/rclone/`]);
  await rclone(sb, [`s3r:${bucket}/bench/warm/rclone/`, join(work, 'warm-rclone')]);
  process.stderr.write(`  warm-up done (${up.files} files each way per tool, not measured)\n`);
}

/**
 * The big file up and down on an Azure-storage sandbox (Azurite behind the sandbox's blob
 * proxy, in the sandbox's process): Courier only, as aws and rclone speak S3. Azurite keeps
 * blobs on disk through JavaScript and is itself the ceiling (test/bench/azure-sdk-vs-rest.ts
 * measures it), so compare the CPU columns rather than the speed with the S3 rows.
 */
async function azureRows(big: string, work: string, limits: { limits?: LimitsInput }): Promise<Row[]> {
  const sb = await startSandboxProcess(join(work, 'sandbox-azure'), ['--storage', 'azure']);
  const base = { apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint, azureBlobEndpoint: sb.azureBlobEndpoint ?? null, stateDir: join(work, 'state-azure'), ...limits };
  const measure = async (label: string, run: () => Promise<RunResult>): Promise<Row> => {
    const runs: RunResult[] = [];
    const sandboxCpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const c0 = sb.cpuSeconds();
      const r = await run();
      if (r.failed) throw new Error(`${label}: ${r.firstError ?? 'failed'}`);
      runs.push(r);
      sandboxCpu.push(sb.cpuSeconds() - c0);
      process.stderr.write(`  ${label} · courier · run ${i + 1}: ${r.seconds.toFixed(2)} s (sandbox+Azurite CPU ${(sandboxCpu.at(-1) ?? 0).toFixed(1)} s, courier CPU ${r.cpuSeconds.toFixed(1)} s)\n`);
    }
    const cpu = median(runs.map((r) => r.cpuSeconds));
    return {
      case: label, bytes: BIG, courier: median(runs.map((r) => r.seconds)), aws: NaN, rclone: NaN,
      sandboxCpu: { courier: median(sandboxCpu), aws: NaN, rclone: NaN },
      clientCpu: { courier: cpu, aws: NaN, rclone: NaN },
      courierCpuSeconds: cpu, courierPeakRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)),
    };
  };
  try {
    let remoteId = '';
    const up = await measure(`upload ${BIG / MiB} MiB file, Azure (Azurite)`, async () => {
      const r = await courier({ ...base, mode: 'upload', inputs: [big] });
      remoteId = r.remoteIds[0] ?? '';
      return r;
    });
    const out = join(work, 'dl-azure');
    const down = await measure(`download ${BIG / MiB} MiB file, Azure (Azurite)`, async () => {
      await rm(out, { recursive: true, force: true });
      return courier({ ...base, mode: 'download', inputs: [remoteId], dir: out });
    });
    await rm(out, { recursive: true, force: true });
    return [up, down];
  } finally {
    await sb.stop();
  }
}

async function main(): Promise<void> {
  const data = join(ROOT, 'bench', 'data');
  const work = join(data, 'work');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await buildBundles(join(data, 'build'));
  const sb = await startSandboxProcess(join(work, 'sandbox'));
  const storage = new SandboxStorage({ apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint });
  const limits = process.env.BENCH_COURIER_LIMITS ? { limits: JSON.parse(process.env.BENCH_COURIER_LIMITS) as LimitsInput } : {};
  const base = { apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint, stateDir: join(work, 'state'), ...limits };
  const bucket = sb.s3Admin.bucket;
  const rows: Row[] = [];
  const load = { start: loadavg()[0] ?? 0, end: 0 };
  const results: Results = { date: new Date().toISOString(), runs: RUNS, machine: { node: process.version, platform: process.platform, load }, rows };
  try {
    await warmUp(sb, data, work, base, storage);
    if (CASES.has('big')) {
      const big = await ensureBig(join(data, `big-${BIG / MiB}MiB.bin`), BIG);
      const name = `${BIG / MiB} MiB file`;
      let remoteId = '';
      rows.push(
        await compare(sb, `upload ${name}`, BIG, {
          courier: async () => {
            const r = await courierRun({ ...base, mode: 'upload', inputs: [big] });
            remoteId = r.remoteIds[0] ?? '';
            return r;
          },
          aws: (i) => aws(sb, [big, `s3://${bucket}/bench/aws/${i}/big.bin`]),
          rclone: (i) => rclone(sb, [big, `s3r:${bucket}/bench/rclone/${i}/`]),
        }),
      );
      // The previous run's 1 GiB is deleted just before each run, so every tool writes into
      // just-freed memory. In fresh folders, aws and rclone wrote into memory the VM had handed
      // back to its host, ~4 CPU-s per GiB they would not pay on a desktop (see docs/benchmarks.md);
      // Courier writes large downloads around the page cache and is not affected either way.
      const out = join(work, 'dl-big');
      rows.push(
        await compare(
          sb,
          `download ${name}`,
          BIG,
          {
            courier: () => courierRun({ ...base, mode: 'download', inputs: [remoteId], dir: out }),
            aws: () => aws(sb, [`s3://${bucket}/bench/aws/0/big.bin`, join(out, 'big.bin')]),
            rclone: () => rclone(sb, [`s3r:${bucket}/bench/rclone/0/big-${BIG / MiB}MiB.bin`, out]),
          },
          () => rm(out, { recursive: true, force: true }),
        ),
      );
      await rm(out, { recursive: true, force: true });
    }

    if (CASES.has('small')) {
      const small = await ensureSmall(join(data, `small-${SMALL_N}`), SMALL_N, 64 * 1024);
      const bytes = SMALL_N * 64 * 1024;
      const label = `${SMALL_N} files of 64 KiB`;
      // Each Courier run uploads into a fresh Rescale folder, so runs do not pile into one.
      const root = await storage.uploadTarget();
      const runFolders: string[] = [];
      rows.push(
        await compare(sb, `upload ${label}`, bytes, {
          courier: async (i) => {
            const f = await storage.createFolder(root.rootFolderId, `bench-run-${i}-${Date.now()}`);
            runFolders.push(f.id);
            return courierRun({ ...base, mode: 'upload', inputs: [small], folderId: f.id });
          },
          aws: (i) => aws(sb, ['--recursive', small, `s3://${bucket}/bench/aws-small/${i}/`]),
          rclone: (i) => rclone(sb, [small, `s3r:${bucket}/bench/rclone-small/${i}/`]),
        }),
      );
      // The folder Courier created is downloaded back through the platform (records, keys, decrypt, verify).
      const folder = (await storage.listFolder(runFolders[0] ?? '')).folders.find((f) => f.name === `small-${SMALL_N}`);
      if (!folder) throw new Error('the uploaded folder is not where Courier put it');
      const out = join(work, 'dl-small');
      rows.push(
        await compare(sb, `download ${label}`, bytes, {
          courier: (i) => courierRun({ ...base, mode: 'download-folder', inputs: [folder.id], dir: runDir(out, 'courier', i) }),
          aws: (i) => aws(sb, ['--recursive', `s3://${bucket}/bench/aws-small/0/`, runDir(out, 'aws', i)]),
          rclone: async (i) => {
            const r = await rclone(sb, [`s3r:${bucket}/bench/rclone-small/0/`, runDir(out, 'rclone', i)]);
            const got = (await readdir(runDir(out, 'rclone', i))).length;
            if (got !== SMALL_N) throw new Error(`rclone small download produced ${got} files`);
            return r;
          },
        }),
      );
      await rm(out, { recursive: true, force: true });
    }

    if (CASES.has('azure')) rows.push(...(await azureRows(await ensureBig(join(data, `big-${BIG / MiB}MiB.bin`), BIG), work, limits)));

    if (CASES.has('crypto')) results.crypto = await cryptoBench(await ensureBig(join(data, `big-${BIG / MiB}MiB.bin`), BIG));

    if (CASES.has('rss')) {
      const huge = await ensureBig(join(data, `huge-${HUGE / MiB}MiB.bin`), HUGE);
      // Baseline: the loop delay of this (idle, waiting) driver over the same interval shows how
      // much of the figure is the machine (CPU steal, other load) rather than Courier.
      const idle = monitorEventLoopDelay({ resolution: 5 });
      idle.enable();
      const r = await courierRun({ ...base, mode: 'upload', inputs: [huge] });
      idle.disable();
      results.rss = {
        fileMiB: HUGE / MiB,
        seconds: r.seconds,
        mibPerSecond: HUGE / MiB / r.seconds,
        peakRssMiB: r.maxRssMiB,
        loopP99Ms: r.loopP99Ms,
        loopMaxMs: r.loopMaxMs,
        idleLoopP99Ms: idle.percentile(99) / 1e6,
      };
    }
    // Last: its own sandbox, with the platform's rate limits on.
    if (CASES.has('limited')) results.limited = await limitedCase(data, work, LIMITED_N, base);
  } finally {
    await sb.stop();
    await rm(work, { recursive: true, force: true });
    if (!process.env.BENCH_KEEP_DATA) await rm(data, { recursive: true, force: true });
  }
  load.end = loadavg()[0] ?? 0;
  await mkdir(join(ROOT, 'bench'), { recursive: true });
  await writeFile(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  // Only this benchmark's section of the page: the other benchmarks' sections and what is written
  // about the figures around them stay.
  const docs = join(ROOT, 'docs', 'benchmarks.md');
  await writeFile(docs, replaceSection(await readFile(docs, 'utf8').catch(() => ''), IN_PROCESS, markdown(results)));
  process.stdout.write(`${table(results)}\n`);
}

await main();
