// Child processes for the benchmark: the sandbox (so its CPU and memory are not counted as
// Courier's), Courier runs, and the peer tools (awscli v2 at /usr/bin/aws, rclone).
import { spawn } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ONE_SHOT_V8_FLAGS } from '../../cli/v8-one-shot.mjs';
import type { RunResult, RunSpec } from './courier-run';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface SandboxProc {
  apiUrl: string;
  s3Endpoint: string;
  /** Azure-storage sandboxes (`--storage azure`): the blob endpoint; null on S3. */
  azureBlobEndpoint?: string | null;
  token: string;
  bucket: string;
  region: string;
  s3Admin: { accessKeyId: string; secretAccessKey: string; bucket: string; region: string; endpoint: string };
  /** CPU seconds the sandbox process has used so far (Linux /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export async function startSandboxProcess(dataDir: string, extraArgs: string[] = []): Promise<SandboxProc> {
  const prof = process.env.BENCH_PROFILE_SANDBOX ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE_SANDBOX] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'sandbox/main.ts', '--data', dataDir, '--fast-etags', ...extraArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (c) => reject(new Error(`sandbox exited (${c})`)));
  });
  const info = JSON.parse(line) as Omit<SandboxProc, 'stop' | 'cpuSeconds'>;
  return {
    ...info,
    cpuSeconds: () => {
      try {
        const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        return (Number(f[11]) + Number(f[12])) / 100;
      } catch {
        return 0;
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface Timed {
  seconds: number;
  /** User + system CPU seconds of the process and its children (start-up included). */
  cpuSeconds: number;
  code: number;
  stderr: string;
  stdout: string;
}

/** bash's `times` prints the CPU its children used once they have exited (Node cannot see it). */
const WITH_TIMES = '"$@"; rc=$?; times >&2; exit $rc';

function childCpu(stderr: string): { cpuSeconds: number; stderr: string } {
  const lines = stderr.trimEnd().split('\n');
  const sec = (t: string): number => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  };
  const [user, sys] = (lines.at(-1) ?? '').trim().split(/\s+/);
  return { cpuSeconds: sec(user ?? '') + sec(sys ?? ''), stderr: lines.slice(0, -2).join('\n') };
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('bash', ['-c', WITH_TIMES, 'bash', cmd, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ seconds: (performance.now() - t0) / 1000, code: code ?? -1, stdout, ...childCpu(stderr) }));
  });
}

/**
 * Writes back every dirty page before a timed run, so that no tool pays for the previous one's
 * data: a run leaves up to a GiB in the page cache (the sandbox's stored objects, or aws's and
 * rclone's downloaded files) that the kernel would otherwise flush during the next tool's run.
 * Measured without it (2026-12-06, 1 GiB): every tool's times stretched, Courier's most (its
 * fsyncs queue behind the flush): upload 6.7–7.8 s against 5.6–5.7 s with it, download 4.1–4.9 s
 * against 3.3–3.5 s.
 */
export async function settleDisk(): Promise<void> {
  const r = await run('sync', []);
  if (r.code !== 0) throw new Error(`sync failed (${r.code}): ${r.stderr}`);
}

/**
 * Empties the page cache (as root; a no-op returning false elsewhere) and reads `warm` back into it,
 * so every run of a case starts from the same memory state. Without it, each 1 GiB upload left its
 * stored object in the cache, and on this VM a process allocating while the cache grows pays for
 * fresh memory: four `courier upload -f` of 1 GiB in a row took 6.1, 7.6, 7.6 and 9.5 s (CPU 6.6 →
 * 10.0 s), and 6.4, 9.0, 6.4, 6.2 s with the cache emptied before each (2026-12-06).
 */
export async function resetPageCache(warm: string[]): Promise<boolean> {
  await settleDisk();
  try {
    await writeFile('/proc/sys/vm/drop_caches', '3\n');
  } catch {
    return false;
  }
  for (const f of warm) for await (const chunk of createReadStream(f, { highWaterMark: 4 << 20 })) void chunk;
  return true;
}

let bundle: { runner: string; worker: string } | null = null;

/**
 * Bundles the Courier runner and its worker with esbuild (tsx's own transpiler) so the
 * benchmark measures what the packaged app runs: plain JS, without tsx's loader threads
 * (~25 MB RSS per thread) in every worker.
 */
export async function buildBundles(outdir: string): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: { 'courier-run': `${ROOT}test/bench/courier-run.ts`, worker: `${ROOT}main/core/transfer/worker/index.ts` },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  bundle = { runner: `${outdir}/courier-run.mjs`, worker: `${outdir}/worker.mjs` };
}

export async function courier(spec: RunSpec): Promise<RunResult & { wallSeconds: number }> {
  // BENCH_PROFILE_COURIER=<dir>: a V8 CPU profile of every Courier thread, for tuning.
  const prof = process.env.BENCH_PROFILE_COURIER ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE_COURIER] : [];
  // V8 tuned as the `courier` command tunes itself (each run is one cold process, as a command
  // is), then BENCH_COURIER_NODE_ARGS: extra node/V8 flags, for tuning experiments (a later flag
  // wins: `--no-liftoff-only --interrupt-budget=67584` runs with V8's defaults).
  const nodeArgs = [...ONE_SHOT_V8_FLAGS, ...(process.env.BENCH_COURIER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
  const args = bundle
    ? [...prof, ...nodeArgs, bundle.runner, JSON.stringify({ ...spec, workerFile: bundle.worker })]
    : ['--import', 'tsx', 'test/bench/courier-run.ts', JSON.stringify(spec)];
  const r = await run(process.execPath, args);
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.code !== 0 || !last.startsWith('{')) throw new Error(`courier run failed (${r.code}): ${r.stderr.slice(-2000)}`);
  const res = JSON.parse(last) as RunResult;
  for (const line of r.stderr.split('\n')) if (line.startsWith('thread CPU')) process.stderr.write(`    ${line}\n`);
  if (res.failed > 0) throw new Error(`courier: ${res.failed} of ${res.files} items failed: ${res.firstError ?? ''}`);
  return { ...res, wallSeconds: r.seconds };
}

export function awsEnv(sb: SandboxProc): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: sb.s3Admin.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sb.s3Admin.secretAccessKey,
    AWS_DEFAULT_REGION: sb.s3Admin.region,
    AWS_REGION: sb.s3Admin.region,
    AWS_PAGER: '',
  };
}

/** awscli v2 (Debian), defaults: 8 MB parts, 10 concurrent requests. */
export async function aws(sb: SandboxProc, args: string[]): Promise<Timed> {
  const r = await run('/usr/bin/aws', ['--endpoint-url', sb.s3Endpoint, 's3', 'cp', '--no-progress', '--only-show-errors', ...args], awsEnv(sb));
  if (r.code !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.code}): ${r.stderr.slice(-1000)}`);
  return r;
}

/** rclone with its defaults (4 transfers, 5 MiB chunks); AWS_CA_BUNDLE breaks Debian's build. */
export async function rclone(sb: SandboxProc, args: string[]): Promise<Timed> {
  const r = await run('rclone', ['copy', '--s3-no-check-bucket', ...args], rcloneEnv(sb));
  if (r.code !== 0) throw new Error(`rclone ${args.join(' ')} failed (${r.code}): ${r.stderr.slice(-1000)}`);
  return r;
}

/** rclone's `s3r:` remote pointed at the sandbox, from the environment alone. */
export function rcloneEnv(sb: SandboxProc): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RCLONE_CONFIG: '/dev/null',
    RCLONE_CONFIG_S3R_TYPE: 's3',
    RCLONE_CONFIG_S3R_PROVIDER: 'Other',
    RCLONE_CONFIG_S3R_ENDPOINT: sb.s3Endpoint,
    RCLONE_CONFIG_S3R_ACCESS_KEY_ID: sb.s3Admin.accessKeyId,
    RCLONE_CONFIG_S3R_SECRET_ACCESS_KEY: sb.s3Admin.secretAccessKey,
    RCLONE_CONFIG_S3R_FORCE_PATH_STYLE: 'true',
    RCLONE_CONFIG_S3R_REGION: sb.s3Admin.region,
  };
  delete env.AWS_CA_BUNDLE;
  return env;
}
