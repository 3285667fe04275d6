// Two Courier processes on one data folder with different key stores (the app's safeStorage file
// and the CLI's OS keyring), or the app after a restart with a memory-only store: a process
// that lacks an account's key must leave that account's queued submissions to one that has it,
// never fail them.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MemorySecretStore } from '../../../main/core/secrets/store';
import { CREATE, jobsEnv, served, until, type JobsEnv } from '../../support/jobs-env';

let env: JobsEnv;
beforeAll(async () => {
  env = await jobsEnv({ sandbox: { jobSeconds: 2 } });
});
afterAll(async () => env?.close());

test('a process without the key leaves a queued submission as it is; the process with the key sends it once', async () => {
  const script = await env.file('run.sh', '#!/bin/sh\necho hi\n');
  const transfers = await env.courier.transfers();
  const [up] = await transfers.whenSettled((await transfers.enqueueUpload([script])).map((v) => v.id));
  const fileId = up!.remoteFileId!;

  // The process with the key queues the job while the platform is down, and its outbox then stops.
  await env.stopSandbox();
  const entry = await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ fileId, name: 'run.sh' }], name: 'keyless' });
  await env.courier.jobs.outbox.close();
  await env.restartSandbox();
  env.sb.resetStats();

  // Another process on the same folder, whose key store does not have the account's key.
  const keyless = await env.openCourier({ secrets: new MemorySecretStore() });
  await until('the keyless process to try the submission', () => keyless.activity.list({ limit: 50 }).find((e) => e.message.includes('waits: The API key')));
  // Still open (queued, or creating as the first process left it when its outbox stopped), never failed.
  expect(['queued', 'creating']).toContain(keyless.jobs.store.get(entry.id)?.state);
  expect(keyless.jobs.store.get(entry.id)?.jobId).toBeNull();
  expect(served(env.sb, CREATE)).toBe(0);

  // A process with the key (the app started again) sends it, once.
  const withKey = await env.openCourier();
  await until('the submission to be sent', () => withKey.jobs.store.get(entry.id)?.state === 'submitted', 60_000);
  expect(served(env.sb, CREATE)).toBe(1);
});
