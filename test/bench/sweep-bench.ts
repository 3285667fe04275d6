// A 500-row sweep against the sandbox with the platform's rate limits on. The job-submission
// limit (1,000 an hour) is made SCALE times faster, on both sides — the sandbox enforces it and
// Courier's budget (85 % of it) follows — so a run takes minutes instead of half an hour. Two
// scales by default: a fast limit (the rows' own work sets the pace) and a slow one (the limit does).
// Reports rows, jobs on the platform, wall time, the most submissions in any 60 s window against
// the limit, and 429s the sandbox sent (each must have been waited out: no row may fail).
//   npx tsx test/bench/sweep-bench.ts     Env: BENCH_SWEEP_ROWS (500), BENCH_SWEEP_SCALES (36,4)
// Writes bench/sweep-results.json and the sweep section of docs/benchmarks.md. Measures, never asserts.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultBudgets } from '../../main/core/rescale/scopes';
import { PLATFORM_LIMITS } from '../../sandbox/control/ratelimit';
import { FAST_TUNING, jobsEnv, platformJobs, until } from '../support/jobs-env';
import { replaceSection } from './cli-report';

const ROOT = new URL('../../', import.meta.url).pathname;
const ROWS = Number(process.env.BENCH_SWEEP_ROWS ?? 500);
const SCALES = (process.env.BENCH_SWEEP_SCALES ?? '36,4').split(',').map(Number);

/** The most events in any window of `ms`. */
function maxInWindow(times: number[], ms: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while ((t[i] as number) - (t[j] as number) >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

type Result = Record<string, number | null>;

async function run(SCALE: number): Promise<Result> {
  const limit = { ratePerSec: PLATFORM_LIMITS['job-submission'].ratePerSec * SCALE, burst: PLATFORM_LIMITS['job-submission'].burst };
  const budget = defaultBudgets['job-submission'];
  const env = await jobsEnv({
    sandbox: { jobSeconds: 1, rateLimits: true },
    // The poller shares the jobs-usage budget with the creates: kept slow so the sweep's pace is the submissions'.
    tuning: { ...FAST_TUNING, poller: { requestsPerSecond: 3, burst: 3 }, pollTiming: { fastMs: 5_000, slowMs: 10_000 } },
    ports: { rateBudgets: { 'job-submission': { ratePerSecond: budget.ratePerSecond * SCALE, burst: budget.burst } } },
  });
  try {
    env.sb.setRateLimits(true, { 'job-submission': limit });
    await env.call('templates', 'save', {
      template: { id: 'bench', name: 'Bench', jobName: 'bench {i}', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 }, command: 'echo {i}', parameters: [{ name: 'i' }], outputs: { autoDownload: false } },
    });
    const submittedAt = new Map<string, number>();
    env.courier.hub.subscribe((name, p) => {
      const e = p as { id: string; state: string };
      if (name === 'outboxChanged' && e.state === 'submitted' && !submittedAt.has(e.id)) submittedAt.set(e.id, Date.now());
    });
    const t0 = Date.now();
    const { sweep } = await env.call('sweeps', 'launch', { templateId: 'bench', name: 'bench', table: { kind: 'grid', text: `i=1..${ROWS}` } });
    const queuedSeconds = (Date.now() - t0) / 1000;
    const firstEta = sweep.lastEtaSeconds;
    const done = await until('every row out', async () => {
      const v = await env.call('sweeps', 'get', { sweep: 'bench' });
      return v.counts.waiting === 0 ? v : null;
    }, 3_600_000, 500);
    const seconds = (Date.now() - t0) / 1000;
    const jobs = (await platformJobs(env.sb)).filter((j) => j.name.startsWith('bench ')).length;
    const perMinute = maxInWindow([...submittedAt.values()], 60_000);
    const result = {
      rows: ROWS,
      jobs,
      submitted: done.counts.submitted,
      failed: done.counts.failed,
      scale: SCALE,
      seconds: Math.round(seconds * 10) / 10,
      queuedSeconds: Math.round(queuedSeconds * 10) / 10,
      estimatedSeconds: firstEta,
      maxPerMinute: perMinute,
      limitPerMinute: Math.round(limit.ratePerSec * 60),
      limitBurst: limit.burst,
      throttled: env.sb.stats().throttled,
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    // A limiter's state file being rewritten can make the temp folder's removal fail: not the measurement's concern.
    await env.close().catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
  }
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (const scale of SCALES) results.push(await run(scale));
  await mkdir(join(ROOT, 'bench'), { recursive: true });
  await writeFile(join(ROOT, 'bench', 'sweep-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const doc = join(ROOT, 'docs', 'benchmarks.md');
  const md = [
    '| rows | limit enforced (scale) | jobs on the platform | failed | wall time | estimate at launch | max submissions in any 60 s | 429s (waited out) |',
    '|---|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.rows} | ${r.limitPerMinute}/min + burst ${r.limitBurst} (×${r.scale}) | ${r.jobs} | ${r.failed} | ${r.seconds} s | ${r.estimatedSeconds ?? '-'} s | ${r.maxPerMinute} | ${r.throttled} |`),
  ].join('\n');
  await writeFile(doc, replaceSection(await readFile(doc, 'utf8'), 'sweep', md));
}

await main();
