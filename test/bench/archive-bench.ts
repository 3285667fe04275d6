// Folder inputs under the platform's rate limits (issue #22): a folder of many small files
// delivered as one archive (one registration) against one registration per file, each as a whole
// `courier` process against a sandbox with its limits on (v3: 2 requests/s).
//   npx tsx test/bench/archive-bench.ts       (ARCHIVE_BENCH_FILES=2000 by default, 64 KiB each)
// Rows: `upload --as-archive DIR`, `upload DIR` (per file), `jobs submit --input DIR --wait`
// (first launch, then the same folder again: reused). Prints a markdown table; measures, never
// asserts. The per-file row needs ~N/2 seconds of registrations alone (ARCHIVE_BENCH_ROWS=archive skips it).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../sandbox';

const ROOT = new URL('../../', import.meta.url).pathname;
const FILES = Number(process.env.ARCHIVE_BENCH_FILES ?? 2000);
const SIZE = 64 * 1024;

/** Wall time of one whole `courier` process; a non-zero exit is reported with the row, not thrown. */
function courier(sb: { apiUrl: string; token: string }, cwd: string, args: string[]): Promise<{ seconds: number; error?: string }> {
  const t0 = performance.now();
  return new Promise((resolve) =>
    execFile('node', [join(ROOT, 'cli/bin.mjs'), '-X', sb.apiUrl, '-p', sb.token, ...args], { cwd, env: { ...process.env, COURIER_DATA_DIR: join(cwd, '.courier') }, maxBuffer: 64 << 20 }, (err, _o, stderr) => {
      const seconds = (performance.now() - t0) / 1000;
      if (err) console.error(`courier ${args.join(' ')} failed: ${stderr.slice(-1500)}`);
      resolve(err ? { seconds, error: `exit ${String((err as { code?: unknown }).code)}` } : { seconds });
    }),
  );
}

async function main(): Promise<void> {
  const sb = await startSandbox({ rateLimits: true, jobSeconds: 2, faults: true, fastEtags: true });
  const work = mkdtempSync(join(tmpdir(), 'courier-archive-bench-'));
  const data = join(work, 'data');
  for (let i = 0; i < FILES; i++) {
    const dir = join(data, `case-${i % 20}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.bin`), Buffer.alloc(SIZE, i % 251));
  }
  const registrations = () => Object.entries(sb.stats().api).filter(([k]) => k.startsWith('POST /api/v3/files/')).reduce((n, [, v]) => n + v, 0);
  const rows: string[] = [];
  const row = async (label: string, args: string[]) => {
    const before = registrations();
    const r = await courier(sb, work, args);
    rows.push(`| ${label} | ${r.seconds.toFixed(1)} s${r.error ? ` (${r.error})` : ''} | ${registrations() - before} |`);
    console.error(rows.at(-1));
  };
  // ARCHIVE_BENCH_ROWS=archive,perfile (both by default) picks the rows.
  const which = new Set((process.env.ARCHIVE_BENCH_ROWS ?? 'archive,perfile').split(','));
  try {
    if (which.has('archive')) {
      await row('`courier upload --as-archive data/` (one archive)', ['upload', '--as-archive', data]);
      await row('`courier jobs submit --input data/ --wait` (first launch)', ['jobs', 'submit', '--template', 'chainer', '--input', data, '--wait']);
      await row('`courier jobs submit --input data/ --wait` (same folder again)', ['jobs', 'submit', '--template', 'chainer', '--input', data, '--wait']);
    }
    if (which.has('perfile')) await row('`courier upload data/` (one registration per file)', ['upload', data]);
  } finally {
    await sb.stop();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`\n${FILES.toLocaleString('en-US')} files × 64 KiB, sandbox rate limits on (v3 2 req/s), whole processes:\n`);
  console.log('| command | wall time | file registrations |\n|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();
