// A CLI process on a data folder, for tests of notices shared between processes: core as the
// CLI opens it (shell 'cli': no notifier), signed in to the stored account, its poller running.
// Mode `poll` only polls (as `courier jobs send` does while it runs); mode `watch JOB` also
// follows one job as `courier jobs watch` does (waitForJob, printing through a real Out). The
// walltime guards' clock runs AHEAD_MS ahead. Prints {"polls":N} lines as its poller works.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createCourier } from '../../main/core/courier';
import { createAesGcmSealer } from '../../main/core/transfer';
import { PlaintextFileSecretStore } from '../../main/core/secrets/file-store';
import { makeOut } from '../../cli/output';
import { waitForJob } from '../../cli/native/wait';
import { FAST_TUNING } from './jobs-env';

const [dataDir, secretsFile, aheadMs, mode, jobId] = process.argv.slice(2) as [string, string, string, 'poll' | 'watch', string?];
const courier = await createCourier({
  shell: 'cli',
  version: '0.0.0-test',
  dataDir,
  secrets: new PlaintextFileSecretStore(secretsFile),
  backgroundJobs: false,
  // A journal of its own, as the CLI has: the app owns the data folder's transfers.db.
  transferJournal: () => Promise.resolve({ path: join(dataDir, `cli-${process.pid}.db`), sealer: createAesGcmSealer(randomBytes(32)) }),
  jobsTuning: { ...FAST_TUNING, guardClock: () => Date.now() + Number(aheadMs) },
});
courier.jobs.start();
let polls = -1;
const report = setInterval(() => {
  const n = courier.jobs.poller.requests.statuses;
  if (n !== polls) process.stdout.write(`${JSON.stringify({ polls: (polls = n) })}\n`);
}, 50);
if (mode === 'watch' && jobId) void waitForJob(courier, makeOut({}), jobId, { outputs: false });
process.once('SIGTERM', () => {
  clearInterval(report);
  void courier.close().finally(() => process.exit(0));
});
