// The `courier` command timed as a user feels it: whole processes (start-up, sign-in, the
// transfer, exit), interleaved with `aws s3 cp` and `rclone copyto` against the same sandbox.
//   npx tsx test/bench/cli-bench.ts        (BENCH_RUNS=3 for medians of 3)
// Env: BENCH_RUNS (1), BENCH_CASES (comma list of: startup,big,folder,huge; startup,big,folder by
//      default), BENCH_BIG_MIB (1024), BENCH_SMALL_N (2000), BENCH_HUGE_MIB (4096), BENCH_KEEP_DATA (keep bench/data).
// Writes bench/cli-results.json and the whole-process section of docs/benchmarks.md. Measures,
// never asserts.
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain JS module without types
import { buildCli } from '../../scripts/build-cli.mjs';
import { SandboxStorage } from '../support/sandbox-storage';
import { ensureBig, ensureSmall } from './data';
import { awsEnv, buildBundles, courier as courierInProcess, rcloneEnv, resetPageCache, settleDisk, startSandboxProcess, type SandboxProc } from './procs';
import { cliMarkdown, replaceSection, section, WHOLE_PROCESS, type CliResults, type CliRow } from './cli-report';

const ROOT = new URL('../../', import.meta.url).pathname;
const MiB = 1 << 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const CASES = new Set((process.env.BENCH_CASES ?? 'startup,big,folder').split(','));
const BIG = Number(process.env.BENCH_BIG_MIB ?? 1024) * MiB;
const HUGE = Number(process.env.BENCH_HUGE_MIB ?? 4096) * MiB;
const SMALL_N = Number(process.env.BENCH_SMALL_N ?? 2000);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

interface Proc {
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
  stdout: string;
}

/**
 * One command as a whole process under GNU time: wall time, CPU and peak RSS. Each tool is one
 * process (Courier's workers are threads of it), so its peak RSS is the whole tree's.
 */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'BENCHTIME %U %S %M', cmd, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      const m = /BENCHTIME ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr);
      if (code !== 0 || !m) return reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${stderr.slice(-1500)}`));
      resolve({ seconds, cpuSeconds: Number(m[1]) + Number(m[2]), maxRssMiB: Number(m[3]) / 1024, stdout });
    });
  });
}

function tools(sb: SandboxProc, cliData: string) {
  const aws = awsEnv(sb);
  const rc = rcloneEnv(sb);
  return {
    /** `courier ...` exactly as a user types it (the compiled build, which bin.mjs picks when fresh). */
    courier: (args: string[]) => timed(process.execPath, ['cli/bin.mjs', '-X', sb.apiUrl, '-p', sb.token, '--data', cliData, '-q', ...args]),
    aws: (args: string[]) => timed('/usr/bin/aws', ['--endpoint-url', sb.s3Endpoint, 's3', 'cp', '--no-progress', '--only-show-errors', ...args], aws),
    rclone: (args: string[]) => timed('rclone', ['copyto', '--s3-no-check-bucket', ...args], rc),
  };
}

type Tool = 'courier' | 'aws' | 'rclone';

/** The three tools in turn, RUNS times (interleaved: load from elsewhere hits all alike). */
async function compare(label: string, bytes: number, fns: Record<Tool, (i: number) => Promise<Proc>>, before?: () => Promise<void>): Promise<CliRow> {
  const t: Record<Tool, Proc[]> = { courier: [], aws: [], rclone: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const tool of ['courier', 'aws', 'rclone'] as Tool[]) {
      await before?.();
      await settleDisk();
      const r = await fns[tool](i);
      t[tool].push(r);
      process.stderr.write(`  ${label} · ${tool} · run ${i + 1}: ${r.seconds.toFixed(2)} s, CPU ${r.cpuSeconds.toFixed(1)} s, peak RSS ${r.maxRssMiB.toFixed(0)} MiB (load ${loadavg()[0]!.toFixed(1)})\n`);
    }
  }
  const med = (tool: Tool) => ({ seconds: median(t[tool].map((r) => r.seconds)), cpuSeconds: median(t[tool].map((r) => r.cpuSeconds)), peakRssMiB: Math.max(...t[tool].map((r) => r.maxRssMiB)) });
  return { case: label, bytes, courier: med('courier'), aws: med('aws'), rclone: med('rclone') };
}

/** Median of n runs of a short command, in ms. */
async function startup(n: number, run: () => Promise<Proc>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push((await run()).seconds * 1000);
  return median(xs);
}

async function main(): Promise<void> {
  const data = join(ROOT, 'bench', 'data');
  const work = join(data, 'cli-work');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await buildCli({ quiet: true });
  const sb = await startSandboxProcess(join(work, 'sandbox'));
  const t = tools(sb, join(work, 'courier-data'));
  const bucket = sb.s3Admin.bucket;
  const results: CliResults = { date: new Date().toISOString(), runs: RUNS, loadBefore: loadavg()[0]!, rows: [] };
  try {
    const small = join(work, 'one-kib.bin');
    await writeFile(small, Buffer.alloc(1024, 7));
    // Unmeasured: the sandbox's JIT warm-up, and the account cache a user's earlier command leaves.
    for (let i = 0; i < 3; i++) {
      await t.courier(['upload', '-f', small]);
      await t.aws([small, `s3://${bucket}/bench/warm/aws.bin`]);
      await t.rclone([small, `s3r:${bucket}/bench/warm/rclone.bin`]);
    }
    if (CASES.has('startup')) {
      const node = await startup(10, () => timed(process.execPath, ['-e', '0']));
      // As typed: bin.mjs answers a lone --version without loading the command table.
      const version = await startup(10, () => timed(process.execPath, ['cli/bin.mjs', '--version']));
      const help = await startup(10, () => t.courier(['--help']));
      // --help: a lone --version is answered before the build or the sources are chosen.
      const source = await startup(3, () => timed(process.execPath, ['cli/bin.mjs', '--help'], { ...process.env, COURIER_FROM_SOURCE: '1' }));
      results.startup = { nodeMs: node, versionMs: version, helpMs: help, versionFromSourceMs: source, load: loadavg()[0]! };
      results.rows.push(
        await compare('upload 1 KiB file', 1024, {
          courier: () => t.courier(['upload', '-f', small]),
          aws: (i) => t.aws([small, `s3://${bucket}/bench/small/aws-${i}.bin`]),
          rclone: (i) => t.rclone([small, `s3r:${bucket}/bench/small/rclone-${i}.bin`]),
        }),
      );
    }
    if (CASES.has('big')) await bigCases(sb, t, data, work, results);
    if (CASES.has('folder')) await folderCase(sb, t, data, work, results);
    if (CASES.has('huge')) {
      const huge = await ensureBig(join(data, `huge-${HUGE / MiB}MiB.bin`), HUGE);
      const r = await t.courier(['upload', '-f', huge]);
      results.huge = { fileMiB: HUGE / MiB, seconds: r.seconds, peakRssMiB: r.maxRssMiB, load: loadavg()[0]! };
      process.stderr.write(`  upload ${HUGE / MiB} MiB · courier: ${r.seconds.toFixed(1)} s, peak RSS ${r.maxRssMiB.toFixed(0)} MiB\n`);
    }
  } finally {
    await sb.stop();
    await rm(work, { recursive: true, force: true });
    if (!process.env.BENCH_KEEP_DATA) await rm(data, { recursive: true, force: true });
  }
  results.loadAfter = loadavg()[0]!;
  await mkdir(join(ROOT, 'bench'), { recursive: true });
  await writeFile(join(ROOT, 'bench', 'cli-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const docs = join(ROOT, 'docs', 'benchmarks.md');
  const page = await readFile(docs, 'utf8');
  // The rows of cases this run left out (BENCH_CASES) stay, marked with when they were measured.
  const table = cliMarkdown(results, section(page, WHOLE_PROCESS));
  await writeFile(docs, replaceSection(page, WHOLE_PROCESS, table));
  process.stdout.write(`${table}\n`);
}

async function bigCases(sb: SandboxProc, t: ReturnType<typeof tools>, data: string, work: string, results: CliResults): Promise<void> {
  const big = await ensureBig(join(data, `big-${BIG / MiB}MiB.bin`), BIG);
  const name = `${BIG / MiB} MiB file`;
  const bucket = sb.s3Admin.bucket;
  const cacheReset = await resetPageCache([big]);
  if (!cacheReset) process.stderr.write('  (not root: the page cache is not emptied between runs; uploads after the first may run slower)\n');
  results.rows.push(
    await compare(
      `upload ${name}`,
      BIG,
      {
        courier: () => t.courier(['upload', '-f', big]),
        aws: (i) => t.aws([big, `s3://${bucket}/bench/aws/${i}/big.bin`]),
        rclone: (i) => t.rclone([big, `s3r:${bucket}/bench/rclone/${i}/big.bin`]),
      },
      async () => void (await resetPageCache([big])),
    ),
  );
  // The file Courier uploaded, found through the platform (not timed).
  const storage = new SandboxStorage({ apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint });
  const listing = await storage.listFolder((await storage.uploadTarget()).rootFolderId);
  const id = listing.files.find((f) => f.name === `big-${BIG / MiB}MiB.bin`)?.id;
  if (!id) throw new Error('the uploaded file is not in My Library');
  // As in the in-process bench: the previous run's file is deleted just before each run.
  const out = join(work, 'dl');
  // Unmeasured: each tool reads its object once, so the sandbox serves every measured run from
  // memory (emptying the cache between the uploads left the objects on disk only).
  const sources = { courier: ['download-file', '--file-id', id, '-o', out], aws: [`s3://${bucket}/bench/aws/0/big.bin`, join(out, 'big.bin')], rclone: [`s3r:${bucket}/bench/rclone/0/big.bin`, join(out, 'big.bin')] };
  for (const tool of ['courier', 'aws', 'rclone'] as Tool[]) {
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    await t[tool](sources[tool]);
  }
  results.rows.push(
    await compare(
      `download ${name}`,
      BIG,
      {
        courier: () => t.courier(sources.courier),
        aws: () => t.aws(sources.aws),
        rclone: () => t.rclone(sources.rclone),
      },
      async () => {
        await rm(out, { recursive: true, force: true });
        await mkdir(out, { recursive: true });
      },
    ),
  );
}

/**
 * A folder of many small files, downloaded the way a user does: `courier download --folder ID`
 * (listing, keys, decrypting, verifying each file's SHA-512), `aws s3 cp --recursive`,
 * `rclone copyto` of the prefix. Each run writes into a folder of its own, all removed after the
 * case: ext4 skips recently deleted inodes when it makes new ones, and deleting 2,000 files just
 * before a run made that run's file creation several times dearer (see transfer-bench.ts).
 */
async function folderCase(sb: SandboxProc, t: ReturnType<typeof tools>, data: string, work: string, results: CliResults): Promise<void> {
  const src = await ensureSmall(join(data, `small-${SMALL_N}`), SMALL_N, 64 * 1024);
  const bucket = sb.s3Admin.bucket;
  // Put once, not timed. Courier's copy goes through its engine in a process of its own with the
  // client's rate limiter off: the command keeps to the platform's 1.7 registrations a second
  // (about 20 minutes for 2,000 files), which says nothing about Courier's own speed.
  await buildBundles(join(data, 'build'));
  const storage = new SandboxStorage({ apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint });
  const root = await storage.uploadTarget();
  const parent = await storage.createFolder(root.rootFolderId, `cli-bench-${Date.now()}`);
  const up = await courierInProcess({ apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint, stateDir: join(work, 'run-state'), mode: 'upload', inputs: [src], folderId: parent.id });
  if (up.failed > 0) throw new Error(`the folder upload failed: ${up.firstError}`);
  const folder = (await storage.listFolder(parent.id)).folders.find((f) => f.name === `small-${SMALL_N}`);
  if (!folder) throw new Error('the uploaded folder is not where Courier put it');
  await t.aws(['--recursive', src, `s3://${bucket}/bench/aws-folder/`]);
  await t.rclone([src, `s3r:${bucket}/bench/rclone-folder/`]);
  const out = (tool: Tool, i: number) => join(work, 'dl-folder', `${tool}-${i}`);
  /** A run counts only if every file arrived. */
  const all = async (tool: Tool, i: number, p: Promise<Proc>): Promise<Proc> => {
    const r = await p;
    const got = (await readdir(out(tool, i), { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length;
    if (got !== SMALL_N) throw new Error(`${tool} downloaded ${got} of ${SMALL_N} files`);
    return r;
  };
  results.rows.push(
    await compare(`download a folder of ${SMALL_N.toLocaleString('en-US')} files of 64 KiB`, SMALL_N * 64 * 1024, {
      courier: (i) => all('courier', i, t.courier(['download', '--folder', folder.id, '-o', out('courier', i)])),
      aws: (i) => all('aws', i, t.aws(['--recursive', `s3://${bucket}/bench/aws-folder/`, out('aws', i)])),
      rclone: (i) => all('rclone', i, t.rclone([`s3r:${bucket}/bench/rclone-folder/`, out('rclone', i)])),
    }),
  );
  await rm(join(work, 'dl-folder'), { recursive: true, force: true });
}

await main();
