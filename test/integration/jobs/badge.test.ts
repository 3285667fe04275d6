// The desktop app's Jobs badge while a CLI run works on the same data folder: the app learns of
// the CLI's work only through jobs.db (its watch of other processes' changes), and its badge must
// count that work the way it counts its own — every queued row, however many, and a job the CLI
// sent as running, then gone — and a page opened later gets the same numbers with its first list.
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import type { OutboxEntry } from '../../../shared/jobs';
import type { Courier } from '../../../main/core/courier';
import { jobsEnv, until, type JobsEnv } from '../../support/jobs-env';
import { TRAIN_SWEEP } from '../../support/sweep-template';

let env: JobsEnv;
beforeAll(async () => {
  // Started at 0.25 S, Completed at S: the app's watch (every 300 ms) and both pollers have seconds
  // to see the job waiting and running; the test stops it once the app counts it running.
  env = await jobsEnv({ sandbox: { jobSeconds: 30 } });
  await env.call('templates', 'save', { template: TRAIN_SWEEP });
  // The app sends nothing itself: whatever goes out, the CLI sends.
  await env.courier.jobs.outbox.close();
}, 60_000);
afterAll(async () => env?.close());

/** The app's latest badge numbers. */
const badge = () => env.eventsOf('jobsSummary').at(-1);

async function dispatch<T>(c: Courier, channel: string, input: unknown): Promise<T> {
  const r = await c.router.dispatch(channel, input, { transport: 'memory' });
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

test("a 600-row sweep the CLI queues: the app's badge counts every row, then none once it is stopped", async () => {
  const cli = await env.openCourier({ backgroundJobs: false });
  await dispatch(cli, 'courier:sweeps.launch', { templateId: 'train', name: 'from-cli', table: { kind: 'grid', text: 'lr=1 x seed=1..600' } });
  await until('the app to count the 600 queued rows', () => badge()?.queued === 600, 60_000);
  expect(badge()).toEqual({ running: 0, queued: 600 });
  expect(env.courier.jobs.badge()).toEqual(cli.jobs.badge());
  // A page opened now (after the event) has the numbers from its first list.
  expect((await env.call('jobs', 'list', {})).summary).toEqual({ running: 0, queued: 600 });
  await dispatch(cli, 'courier:sweeps.stopAll', { sweep: 'from-cli' });
  await until('the app to count the stopped sweep as nothing', () => badge()?.queued === 0, 60_000);
}, 120_000);

test('a job the CLI sends: the app watches it too, and its badge counts it running, then not at all', async () => {
  const tracked = vi.spyOn(env.courier.jobs.poller, 'track');
  const cli = await env.openCourier();
  const transfers = await cli.transfers();
  const script = await env.file('run.sh', '#!/bin/sh\necho hi\n');
  const [up] = await transfers.whenSettled((await transfers.enqueueUpload([script])).map((v) => v.id));
  const entry = await dispatch<OutboxEntry>(cli, 'courier:jobs.launch', { templateId: 'chainer', inputs: [{ fileId: up!.remoteFileId!, name: 'run.sh' }] });
  const jobId = await until('the CLI to send it', () => cli.jobs.store.get(entry.id)?.jobId, 60_000);
  await until("the app to watch the CLI's job", () => tracked.mock.calls.some(([j]) => j.jobId === jobId), 60_000);
  tracked.mockRestore();
  await until('the app to count it running', () => badge()?.running === 1, 60_000);
  expect(badge()).toEqual({ running: 1, queued: 0 });
  await dispatch(cli, 'courier:jobs.stop', { jobId });
  await until('the app to count it ended', () => env.courier.jobs.tracked.get(env.accountId, jobId)?.terminal && badge()?.running === 0, 60_000);
  expect(badge()).toEqual({ running: 0, queued: 0 });
}, 120_000);
