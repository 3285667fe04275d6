/**
 * S3 throughput of the sandbox on the machine it runs on: a 1 GiB object uploaded with parallel
 * multipart parts and downloaded (one stream, and parallel ranges). The sandbox runs as its
 * own process (as `courier sandbox` does) and the client in another, so the figures and the
 * sandbox CPU time (read from /proc) are the server's own.
 *
 *   npx tsx sandbox/bench-s3.ts [--size-mib 1024] [--part-mib 32] [--concurrency 4] [--runs 3] [--aws] [--fast-etags]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request, Agent } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { readFileSync } from 'node:fs';

interface PutJob {
  url: string;
  start: number;
  end: number;
}

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

/** Client side (child process): PUT file slices or GET URLs, print seconds elapsed. */
async function client(mode: string, file: string): Promise<void> {
  let input = '';
  for await (const c of process.stdin) input += String(c);
  const jobs = JSON.parse(input) as PutJob[];
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const conc = arg('concurrency', 4);
  // The source sits in memory before the clock starts, so the client costs as little CPU as
  // possible and the figure is the server's (a file-reading client allocating a fresh buffer
  // per read costs ~2 s/GiB on a small VM that returns freed memory to its host).
  const data = mode === 'put' ? readFileSync(file) : Buffer.alloc(0);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const etags: string[] = [];
  let next = 0;
  const one = (j: PutJob, i: number) =>
    new Promise<void>((resolve, reject) => {
      const headers: Record<string, string | number> = mode === 'put' ? { 'content-length': j.end - j.start + 1 } : { range: `bytes=${j.start}-${j.end}` };
      const req = request(j.url, { method: mode === 'put' ? 'PUT' : 'GET', agent, headers }, (res) => {
        if ((res.statusCode ?? 500) >= 300) reject(new Error(`HTTP ${res.statusCode}`));
        etags[i] = String(res.headers.etag);
        res.on('data', () => undefined);
        res.on('end', resolve);
        res.on('error', reject);
      });
      req.on('error', reject);
      if (mode === 'put') {
        for (let o = j.start; o <= j.end; o += 1 << 20) req.write(data.subarray(o, Math.min(j.end + 1, o + (1 << 20))));
      }
      req.end();
    });
  await Promise.all(
    Array.from({ length: Math.min(conc, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        await one(jobs[i]!, i);
      }
    }),
  );
  process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - t0) / 1000, etags, cpu: process.cpuUsage(cpu0) })}\n`);
  agent.destroy();
}

function runClient(mode: 'put' | 'get', file: string, jobs: PutJob[], conc: number): Promise<{ seconds: number; etags: string[]; cpu: NodeJS.CpuUsage }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--client', mode, file, '--concurrency', String(conc)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as { seconds: number; etags: string[]; cpu: NodeJS.CpuUsage }) : reject(new Error(`client exited ${code}`)),
    );
    child.stdin.end(JSON.stringify(jobs));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Busy and total jiffies of the whole machine, to tell CPU-bound from waiting. */
function machineCpu(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
}

/** utime+stime of a process (all threads), in seconds. */
function procCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface SandboxInfo {
  apiUrl: string;
  s3Endpoint: string;
  region: string;
  bucket: string;
  s3Admin: { accessKeyId: string; secretAccessKey: string };
}

async function spawnSandbox(dataDir: string): Promise<{ child: ChildProcess; info: SandboxInfo }> {
  // BENCH_SANDBOX_NODE_FLAGS: extra node flags for the sandbox process (e.g. --cpu-prof for diagnosis).
  const flags = (process.env['BENCH_SANDBOX_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
  const extra = process.argv.includes('--fast-etags') ? ['--fast-etags'] : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', path.join(import.meta.dirname, 'main.ts'), '--data', dataDir, ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const info = await new Promise<SandboxInfo>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as SandboxInfo);
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
  });
  return { child, info };
}

/** Everything one measured run needs: the settings, the running sandbox and its client. */
interface Bench {
  sizeMiB: number;
  partMiB: number;
  conc: number;
  runs: number;
  src: string;
  size: number;
  pid: number;
  sb: SandboxInfo;
  s3: S3Client;
}

/** Records a figure of a run; run 0 is the warm-up and keeps only its upload rate. */
type Keep = (row: string, v: number) => void;

const mibPerSecond = (b: Bench, t0: number) => b.sizeMiB / ((performance.now() - t0) / 1000);

async function writeSource(src: string, sizeMiB: number): Promise<void> {
  await pipeline(
    (async function* () {
      for (let i = 0; i < sizeMiB; i++) yield randomBytes(1 << 20);
    })(),
    createWriteStream(src, { highWaterMark: 4 << 20 }),
  );
}

/** Multipart upload through presigned part URLs; returns the part jobs (reused as download ranges). */
async function measureUpload(b: Bench, Key: string, keep: Keep): Promise<PutJob[]> {
  const { UploadId } = await b.s3.send(new CreateMultipartUploadCommand({ Bucket: b.sb.bucket, Key }));
  const part = b.partMiB << 20;
  const jobs: PutJob[] = [];
  for (let off = 0, n = 1; off < b.size; off += part, n++) {
    const url = await getSignedUrl(b.s3, new UploadPartCommand({ Bucket: b.sb.bucket, Key, UploadId, PartNumber: n }), { expiresIn: 3600 });
    jobs.push({ url, start: off, end: Math.min(b.size, off + part) - 1 });
  }
  const cpu0 = procCpu(b.pid);
  const m0 = machineCpu();
  const t0 = performance.now();
  const put = await runClient('put', b.src, jobs, b.conc);
  const m1 = machineCpu();
  keep('upClient', (put.cpu.user + put.cpu.system) / 1e6);
  keep('upBusy', (100 * (m1.busy - m0.busy)) / (m1.total - m0.total));
  const parts = put.etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 }));
  await b.s3.send(new CompleteMultipartUploadCommand({ Bucket: b.sb.bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
  keep('up', mibPerSecond(b, t0));
  keep('upCpu', procCpu(b.pid) - cpu0);
  return jobs;
}

/** One GET stream of the whole object, then the same bytes as parallel ranged GETs. */
async function measureDownloads(b: Bench, url: string, jobs: PutJob[], keep: Keep): Promise<void> {
  let cpu0 = procCpu(b.pid);
  let t0 = performance.now();
  await runClient('get', b.src, [{ url, start: 0, end: b.size - 1 }], 1);
  keep('down', mibPerSecond(b, t0));
  keep('downCpu', procCpu(b.pid) - cpu0);
  const ranges = jobs.map((j) => ({ ...j, url }));
  cpu0 = procCpu(b.pid);
  t0 = performance.now();
  await runClient('get', b.src, ranges, b.conc);
  keep('ranged', mibPerSecond(b, t0));
  keep('rangedCpu', procCpu(b.pid) - cpu0);
}

/** `aws s3 cp` of the same file, as a peer to compare with. */
async function measureAws(b: Bench, r: number, keep: Keep): Promise<void> {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: b.sb.s3Admin.accessKeyId,
    AWS_SECRET_ACCESS_KEY: b.sb.s3Admin.secretAccessKey,
    AWS_DEFAULT_REGION: b.sb.region,
  };
  const t0 = performance.now();
  spawnSync(
    '/usr/bin/aws',
    ['--endpoint-url', b.sb.s3Endpoint, 's3', 'cp', '--no-progress', '--only-show-errors', b.src, `s3://${b.sb.bucket}/bench/aws${r}.bin`],
    {
      env,
      stdio: 'inherit',
    },
  );
  keep('aws', mibPerSecond(b, t0));
  await b.s3.send(new DeleteObjectCommand({ Bucket: b.sb.bucket, Key: `bench/aws${r}.bin` }));
}

async function measureRun(b: Bench, r: number, keep: Keep): Promise<void> {
  const Key = `bench/run${r}.bin`;
  const jobs = await measureUpload(b, Key, keep);
  const url = await getSignedUrl(b.s3, new GetObjectCommand({ Bucket: b.sb.bucket, Key }), { expiresIn: 3600 });
  if (!process.argv.includes('--upload-only')) {
    await measureDownloads(b, url, jobs, keep);
    if (process.argv.includes('--aws')) await measureAws(b, r, keep);
  }
  await b.s3.send(new DeleteObjectCommand({ Bucket: b.sb.bucket, Key }));
}

function report(b: Bench, rows: Record<string, number[]>, firstUp: number[]): void {
  const { sizeMiB, partMiB, conc, runs } = b;
  const f = (k: string) => (rows[k]!.length ? median(rows[k]!).toFixed(0) : '-');
  const c = (k: string) => (rows[k]!.length ? (median(rows[k]!) / (sizeMiB / 1024)).toFixed(2) : '-');
  const etags = process.argv.includes('--fast-etags') ? 'fast (CRC) ETags' : 'MD5 ETags';
  console.log(
    `${sizeMiB} MiB object, ${partMiB} MiB parts, concurrency ${conc}, ${etags}, median of ${runs} (node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}, ${new Date().toISOString()})`,
  );
  console.log(
    `upload  (multipart PUT + Complete)     ${f('up')} MiB/s   sandbox CPU ${c('upCpu')} s/GiB (client ${c('upClient')} s/GiB, machine busy ${f('upBusy')}%)`,
  );
  console.log(`download (one GET stream)              ${f('down')} MiB/s   sandbox CPU ${c('downCpu')} s/GiB`);
  console.log(`download (${conc} parallel ranged GETs)    ${f('ranged')} MiB/s   sandbox CPU ${c('rangedCpu')} s/GiB`);
  if (rows.aws!.length) console.log(`aws s3 cp upload (for comparison)     ${f('aws')} MiB/s`);
  console.log(`(warm-up run, cold page cache: upload ${firstUp[0]?.toFixed(0)} MiB/s)`);
}

async function main(): Promise<void> {
  const sizeMiB = arg('size-mib', 1024);
  const work = mkdtempSync(path.join(os.tmpdir(), 'sandbox-bench-'));
  const src = path.join(work, 'src.bin');
  await writeSource(src, sizeMiB);
  const { child, info: sb } = await spawnSandbox(path.join(work, 'data'));
  const s3 = new S3Client({
    endpoint: sb.s3Endpoint,
    region: sb.region,
    forcePathStyle: true,
    credentials: sb.s3Admin,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const b: Bench = {
    sizeMiB,
    partMiB: arg('part-mib', 32),
    conc: arg('concurrency', 4),
    runs: arg('runs', 3),
    src,
    size: statSync(src).size,
    pid: child.pid!,
    sb,
    s3,
  };
  const rows: Record<string, number[]> = { up: [], upCpu: [], upClient: [], upBusy: [], down: [], downCpu: [], ranged: [], rangedCpu: [], aws: [] };
  const firstUp: number[] = [];
  try {
    // Run 0 is a warm-up (reported separately): on a VM, page-cache memory the guest has
    // not touched recently costs ~3 s/GiB of kernel time to fault in (virtio-balloon + DAMON
    // reclaim); each run deletes its object so the next one reuses those pages.
    for (let r = 0; r <= b.runs; r++) {
      await measureRun(b, r, (row, v) => {
        if (r > 0) rows[row]!.push(v);
        else if (row === 'up') firstUp.push(v);
      });
    }
  } finally {
    s3.destroy();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(work, { recursive: true, force: true });
  }
  report(b, rows, firstUp);
}

if (process.argv[2] === '--client') await client(process.argv[3]!, process.argv[4]!);
else await main();
