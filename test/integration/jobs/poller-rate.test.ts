// 200 active jobs: the poller reads them through the jobs list and keeps to its own small share
// of the jobs scope — measured at the sandbox, with the platform's rate limits switched on.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { jobsEnv, rest, served, until, type JobsEnv } from '../../support/jobs-env';

const JOBS = 200;
const RATE = 3; // the poller's budget, requests per second
const BURST = 6;
let env: JobsEnv;

beforeAll(async () => {
  env = await jobsEnv({
    sandbox: { jobSeconds: 60 }, // Queued at 6 s, Started at 15 s: changes happen during the window
    tuning: { pollTiming: { fastMs: 1000, slowMs: 4000 }, poller: { requestsPerSecond: RATE, burst: BURST, sweepThreshold: 4 }, idleMs: 300, watchMs: 60_000 },
  });
});
afterAll(async () => env?.close());

test('200 active jobs are watched within the rate budget, without a single 429', async () => {
  // Submitted elsewhere (straight to the platform), then followed.
  const ids: string[] = [];
  for (let i = 0; i < JOBS; i++) {
    const j = await rest<{ id: string }>(env.sb, 'POST', '/api/v2/jobs/', {
      name: `batch ${i}`,
      jobanalyses: [{ command: 'true', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
    });
    await rest(env.sb, 'POST', `/api/v2/jobs/${j.id}/submit/`);
    ids.push(j.id);
  }
  const { tracked, poller } = env.courier.jobs;
  for (const jobId of ids) {
    const history = (
      await rest<{ results: { status: string; statusDate: string; statusReason: string | null }[] }>(env.sb, 'GET', `/api/v2/jobs/${jobId}/statuses/`)
    ).results;
    tracked.upsert({
      jobId,
      accountId: env.accountId,
      name: jobId,
      source: 'followed',
      submissionId: null,
      templateId: null,
      options: { outputFilters: [], autoDownload: false, outputFolder: '', notify: 'none' },
    });
    const row = tracked.setStatus(env.accountId, jobId, { status: history[0]!.status, history, outcome: 'running', terminal: false })!;
    poller.track(row, Date.now() + 500);
  }
  env.sb.setRateLimits(true); // the platform's own limits: 25/s on jobs reads
  env.sb.resetStats();
  const before = { ...poller.requests };
  const started = Date.now();
  const windowMs = 10_000;
  await until('the measuring window', () => Date.now() - started >= windowMs, windowMs + 2000, 200);
  const seconds = (Date.now() - started) / 1000;
  const reads = served(env.sb, 'GET /api/v2/jobs/') + served(env.sb, 'GET /api/v2/jobs/{id}/statuses/');
  const lists = poller.requests.list - before.list;
  const histories = poller.requests.statuses - before.statuses;
  console.log(
    `poller: ${JOBS} jobs, ${reads} requests in ${seconds.toFixed(1)} s = ${(reads / seconds).toFixed(2)} req/s (${lists} list pages, ${histories} histories); budget ${RATE}/s`,
  );
  expect(env.sb.stats().throttled).toBe(0);
  expect(Math.abs(reads - (lists + histories))).toBeLessThanOrEqual(2); // all of them the poller's (± one in flight at the window's edges)
  expect(reads / seconds).toBeLessThanOrEqual(RATE + BURST / seconds + 0.2);
  // Every job was looked at through the list, and the Pending → Queued changes were picked up.
  expect(lists).toBeGreaterThanOrEqual(2);
  const changed = new Set(
    env
      .eventsOf('jobChanged')
      .filter((j) => j.status === 'Queued')
      .map((j) => j.jobId),
  );
  expect(changed.size).toBeGreaterThan(5);
  // A naive one-request-per-job poller would have needed 200 requests per round.
  expect(reads).toBeLessThan(JOBS);
});

test('asleep (powerMonitor suspend): not a single request; awake: polling at once', async () => {
  const { poller } = env.courier.jobs;
  const reads = () => served(env.sb, 'GET /api/v2/jobs/') + served(env.sb, 'GET /api/v2/jobs/{id}/statuses/');
  poller.pause();
  const settled = Date.now();
  await until('requests in flight to land', () => Date.now() - settled > 500, 2000, 100);
  env.sb.resetStats();
  const asleep = Date.now();
  await until('two seconds asleep', () => Date.now() - asleep > 2000, 4000, 100);
  expect(reads()).toBe(0);
  poller.resume();
  await until('polling to resume', () => reads() > 0, 3000);
});
