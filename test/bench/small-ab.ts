// A/B tuning of the 2,000 × 64 KiB case: builds of Courier side by side with rclone, interleaved
// round by round against one sandbox, so a change is judged against the machine's drift. Not part
// of `npm run bench` (it compares builds of Courier, not Courier with its peers).
//   npx tsx test/bench/small-ab.ts --build bench/data/ab/A        (bundle the working tree into a folder)
//   npx tsx test/bench/small-ab.ts [--rounds 5] [--up] A=bench/data/ab/A B=bench/data/ab/B:GLIBC_TUNABLES=...
// A variant is LABEL=BUNDLE_DIR, optionally followed by :NAME=VALUE,... for its environment
// (NODEARGS=... adds node/V8 flags, e.g. NODEARGS=--cpu-prof --cpu-prof-dir=/tmp/prof).
// Downloads by default (a folder Courier uploaded once), uploads with --up (a fresh folder each run).
// AB_WARM=MiB touches and frees that much memory before each run: on this VM memory handed back
//   to the host costs ~4 s a GiB on first touch, and the interleaving gives it to whoever allocates first.
// AB_PERF=1 (or g, with call graphs) records `perf record -a` of each run into /tmp/perf-LABEL-N.data
// (Debian package linux-perf; not installed by .ci/run, which never runs this).
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ONE_SHOT_V8_FLAGS } from '../../cli/v8-one-shot.mjs';
import { SandboxStorage } from '../support/sandbox-storage';
import { ensureSmall } from './data';
import { buildBundles, rclone, run, settleDisk, startSandboxProcess, type SandboxProc } from './procs';

const ROOT = new URL('../../', import.meta.url).pathname;
const FILES = 2000;

interface Variant {
  label: string;
  dir: string;
  env: Record<string, string>;
}

/** LABEL=DIR[:NAME=VALUE,...] */
function parseVariant(spec: string): Variant {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new Error(`a variant is LABEL=BUNDLE_DIR[:NAME=VALUE,...], not "${spec}"`);
  const rest = spec.slice(eq + 1);
  const colon = rest.indexOf(':');
  const env: Record<string, string> = {};
  for (const pair of colon < 0 ? [] : rest.slice(colon + 1).split(',')) {
    const i = pair.indexOf('=');
    if (i > 0) env[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return { label: spec.slice(0, eq), dir: join(ROOT, colon < 0 ? rest : rest.slice(0, colon)), env };
}

/** One Courier run of a bundle (test/bench/courier-run.ts), as the benchmark runs it. */
async function courierRun(v: Variant, spec: object): Promise<{ seconds: number; cpuSeconds: number; threads: string }> {
  const extra = v.env.NODEARGS?.split(' ').filter(Boolean) ?? [];
  const args = [...ONE_SHOT_V8_FLAGS, ...extra, join(v.dir, 'courier-run.mjs'), JSON.stringify({ ...spec, workerFile: join(v.dir, 'worker.mjs') })];
  const r = await run(process.execPath, args, { ...process.env, ...v.env });
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.code !== 0 || !last.startsWith('{')) throw new Error(`courier (${v.label}) failed: ${r.stderr.slice(-2000)}`);
  const res = JSON.parse(last) as { seconds: number; cpuSeconds: number; failed: number };
  if (res.failed > 0) throw new Error(`courier (${v.label}): ${res.failed} files failed`);
  return { seconds: res.seconds, cpuSeconds: res.cpuSeconds, threads: r.stderr.split('\n').find((l) => l.startsWith('thread CPU')) ?? '' };
}

/** `perf record -a` around one run, when AB_PERF asks for it. */
async function perfAround<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!process.env.AB_PERF) return fn();
  const perf = spawn('perf', ['record', '-a', '-F', '1999', ...(process.env.AB_PERF === 'g' ? ['-g'] : []), '-o', `/tmp/perf-${name}.data`], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300)); // perf needs a moment before it samples
  try {
    return await fn();
  } finally {
    const exited = new Promise((r) => perf.once('exit', r));
    perf.kill('SIGINT');
    await exited;
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--build') return buildBundles(join(ROOT, argv[1] ?? 'bench/data/ab/build'));
  const flag = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const rounds = Number(flag('--rounds') ?? 3);
  const upload = argv.includes('--up');
  const variants = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--rounds').map(parseVariant);
  const first = variants[0];
  if (!first) throw new Error('give at least one variant: LABEL=BUNDLE_DIR (made with --build DIR)');

  const work = join(ROOT, 'bench', 'data', 'ab-work');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const sb: SandboxProc = await startSandboxProcess(join(work, 'sandbox'));
  try {
    const storage = new SandboxStorage({ apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint });
    const base = { apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint, stateDir: join(work, 'state') };
    const small = await ensureSmall(join(ROOT, 'bench', 'data', `small-${FILES}`), FILES, 64 * 1024);
    const root = await storage.uploadTarget();
    const seed = await storage.createFolder(root.rootFolderId, `ab-${Date.now()}`);
    await courierRun(first, { ...base, mode: 'upload', inputs: [small], folderId: seed.id });
    const folder = (await storage.listFolder(seed.id)).folders.find((x) => x.name === `small-${FILES}`);
    if (!folder) throw new Error('the uploaded folder is not where Courier put it');
    await rclone(sb, [small, `s3r:${sb.s3Admin.bucket}/ab/`]);

    const times = new Map<string, { s: number[]; cpu: number[] }>();
    let n = 0;
    for (let round = 0; round < rounds; round++) {
      for (const v of [...variants, null]) {
        const label = v?.label ?? 'rclone';
        const out = join(work, `out-${n}`);
        await settleDisk();
        if (process.env.AB_WARM) await run(process.execPath, ['-e', `Buffer.alloc(${Number(process.env.AB_WARM)} << 20, 1)`]);
        const r = await perfAround(`${label}-${n++}`, async () => {
          if (!v) {
            const p = await rclone(sb, upload ? [small, `s3r:${sb.s3Admin.bucket}/ab-up-${n}/`] : [`s3r:${sb.s3Admin.bucket}/ab/`, out]);
            return { seconds: p.seconds, cpuSeconds: p.cpuSeconds, threads: '' };
          }
          if (!upload) return courierRun(v, { ...base, mode: 'download-folder', inputs: [folder.id], dir: out });
          const dest = await storage.createFolder(root.rootFolderId, `ab-up-${n}`);
          return courierRun(v, { ...base, mode: 'upload', inputs: [small], folderId: dest.id });
        });
        if (!upload) {
          const got = (await readdir(out)).length;
          if (got !== FILES) throw new Error(`${label} downloaded ${got} of ${FILES} files`);
        }
        const t = times.get(label) ?? { s: [], cpu: [] };
        times.set(label, { s: [...t.s, r.seconds], cpu: [...t.cpu, r.cpuSeconds] });
        process.stderr.write(`${label.padEnd(8)} ${r.seconds.toFixed(2)} s, CPU ${r.cpuSeconds.toFixed(2)} s (load ${loadavg()[0]!.toFixed(1)}) ${r.threads}\n`);
      }
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    for (const [label, t] of times)
      process.stdout.write(`${label.padEnd(8)} median ${median(t.s).toFixed(2)} s, CPU ${median(t.cpu).toFixed(2)} s; runs ${t.s.map((x) => x.toFixed(2)).join(' ')}\n`);
  } finally {
    await sb.stop();
  }
}

await main();
