// Courier vs awscli v2 vs rclone against the sandbox S3, all in the same run on this machine.
//   npx tsx test/bench/transfer-bench.ts            (BENCH_RUNS=3 for medians of 3)
// Env: BENCH_RUNS (1), BENCH_CASES (comma list of: big,small,crypto,rss), BENCH_BIG_MIB (1024),
//      BENCH_SMALL_N (2000), BENCH_HUGE_MIB (4096), BENCH_KEEP_DATA (keep bench/data).
// Writes bench/results.json and docs/benchmarks.md. Measures, never asserts.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildBundles, courier, startSandboxProcess, aws, rclone, type SandboxProc } from './procs';
import { cryptoBench } from './crypto-bench';
import { ensureBig, ensureSmall } from './data';
import { markdown, table, type Row } from './report';
import { SandboxStorage } from '../support/sandbox-storage';
import type { LimitsInput } from '../../main/core/transfer/types';

const ROOT = new URL('../../', import.meta.url).pathname;
const MiB = 1 << 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const CASES = new Set((process.env.BENCH_CASES ?? 'big,small,crypto,rss').split(','));
const BIG = Number(process.env.BENCH_BIG_MIB ?? 1024) * MiB;
const SMALL_N = Number(process.env.BENCH_SMALL_N ?? 2000);
const HUGE = Number(process.env.BENCH_HUGE_MIB ?? 4096) * MiB;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function repeat(label: string, fn: (i: number) => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = await fn(i);
    process.stderr.write(`  ${label} run ${i + 1}: ${t.toFixed(2)} s\n`);
    times.push(t);
  }
  return median(times);
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
  const rows: Row[] = [];
  const extra: Record<string, unknown> = {};
  const bucket = sb.s3Admin.bucket;
  try {
    if (CASES.has('big')) {
      const big = await ensureBig(join(data, `big-${BIG / MiB}MiB.bin`), BIG);
      const name = `1 GiB file`.replace('1 GiB', `${BIG / MiB} MiB`);
      let remoteId = '';
      const cUp = await repeat('courier upload big', async () => {
        const r = await courier({ ...base, mode: 'upload', inputs: [big] });
        remoteId = r.remoteIds[0] ?? '';
        return r.seconds;
      });
      const aUp = await repeat('aws upload big', async (i) => (await aws(sb, [big, `s3://${bucket}/bench/aws/${i}/big.bin`])).seconds);
      // --s3-upload-cutoff: rclone's multipart Complete fails on the sandbox (its XML parser does not
      // decode the &#34; entities rclone's Go encoder writes in ETags; reported), so rclone uses one PUT.
      const rUp = await repeat('rclone upload big', async (i) => (await rclone(sb, ['--s3-upload-cutoff', '5G', big, `s3r:${bucket}/bench/rclone/${i}/`])).seconds);
      rows.push({ case: `upload ${name}`, bytes: BIG, courier: cUp, aws: aUp, rclone: rUp });
      const out = join(work, 'dl-big');
      const cDown = await repeat('courier download big', async () => {
        await rm(out, { recursive: true, force: true });
        return (await courier({ ...base, mode: 'download', inputs: [remoteId], dir: out })).seconds;
      });
      const aDown = await repeat('aws download big', async () => {
        await rm(out, { recursive: true, force: true });
        return (await aws(sb, [`s3://${bucket}/bench/aws/0/big.bin`, join(out, 'big.bin')])).seconds;
      });
      const rDown = await repeat('rclone download big', async () => {
        await rm(out, { recursive: true, force: true });
        return (await rclone(sb, [`s3r:${bucket}/bench/rclone/0/big-${BIG / MiB}MiB.bin`, out])).seconds;
      });
      rows.push({ case: `download ${name}`, bytes: BIG, courier: cDown, aws: aDown, rclone: rDown });
      await rm(out, { recursive: true, force: true });
    }

    if (CASES.has('small')) {
      const small = await ensureSmall(join(data, `small-${SMALL_N}`), SMALL_N, 64 * 1024);
      const bytes = SMALL_N * 64 * 1024;
      const label = `${SMALL_N} files of 64 KiB`;
      // Each run uploads into a fresh Rescale folder, so runs do not pile files into one folder.
      const root = await storage.uploadTarget();
      const runFolders: string[] = [];
      const cUp = await repeat('courier upload small', async (i) => {
        const f = await storage.createFolder(root.rootFolderId, `bench-run-${i}-${Date.now()}`);
        runFolders.push(f.id);
        return (await courier({ ...base, mode: 'upload', inputs: [small], folderId: f.id })).seconds;
      });
      const aUp = await repeat('aws upload small', async (i) => (await aws(sb, ['--recursive', small, `s3://${bucket}/bench/aws-small/${i}/`])).seconds);
      const rUp = await repeat('rclone upload small', async (i) => (await rclone(sb, [small, `s3r:${bucket}/bench/rclone-small/${i}/`])).seconds);
      rows.push({ case: `upload ${label}`, bytes, courier: cUp, aws: aUp, rclone: rUp });
      // The folder Courier created (the first run's) is downloaded back through the platform.
      const listing = await storage.listFolder(runFolders[0] ?? '');
      const folder = listing.folders.find((f) => f.name === `small-${SMALL_N}`);
      if (!folder) throw new Error('the uploaded folder is not in My Library');
      const out = join(work, 'dl-small');
      const cDown = await repeat('courier download small', async () => {
        await rm(out, { recursive: true, force: true });
        return (await courier({ ...base, mode: 'download-folder', inputs: [folder.id], dir: out })).seconds;
      });
      const aDown = await repeat('aws download small', async () => {
        await rm(out, { recursive: true, force: true });
        return (await aws(sb, ['--recursive', `s3://${bucket}/bench/aws-small/0/`, out])).seconds;
      });
      const rDown = await repeat('rclone download small', async () => {
        await rm(out, { recursive: true, force: true });
        return (await rclone(sb, [`s3r:${bucket}/bench/rclone-small/0/`, out])).seconds;
      });
      const got = (await readdir(out)).length;
      if (got !== SMALL_N) throw new Error(`rclone small download produced ${got} files`);
      rows.push({ case: `download ${label}`, bytes, courier: cDown, aws: aDown, rclone: rDown });
      await rm(out, { recursive: true, force: true });
    }

    if (CASES.has('crypto')) {
      const big = await ensureBig(join(data, `big-${BIG / MiB}MiB.bin`), BIG);
      extra.crypto = await cryptoBench(big);
    }

    if (CASES.has('rss')) {
      const huge = await ensureBig(join(data, `huge-${HUGE / MiB}MiB.bin`), HUGE);
      const r = await courier({ ...base, mode: 'upload', inputs: [huge] });
      extra.rss = { fileMiB: HUGE / MiB, seconds: r.seconds, mibPerSecond: HUGE / MiB / r.seconds, peakRssMiB: r.maxRssMiB, loopP99Ms: r.loopP99Ms, loopMaxMs: r.loopMaxMs };
    }
  } finally {
    await sb.stop();
    await rm(work, { recursive: true, force: true });
    if (!process.env.BENCH_KEEP_DATA) await rm(data, { recursive: true, force: true });
  }

  const date = new Date().toISOString();
  const results = { date, runs: RUNS, machine: machineInfo(), rows, ...extra };
  await mkdir(join(ROOT, 'bench'), { recursive: true });
  await writeFile(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(ROOT, 'docs', 'benchmarks.md'), markdown(results));
  process.stdout.write(`${table(results)}\n`);
}

function machineInfo(): Record<string, unknown> {
  return { node: process.version, platform: process.platform, cpus: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency };
}

export type BenchSandbox = SandboxProc;

await main();
