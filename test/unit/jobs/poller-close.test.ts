// Closing the poller waits for the requests it already sent: a status read that lands after
// the jobs database closed (or while the data folder is being removed) must not happen.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, vi } from 'vitest';
import { openJobsDb } from '../../../main/core/jobs/db';
import { StatusPoller } from '../../../main/core/jobs/poller';
import { TrackedStore } from '../../../main/core/jobs/tracked-store';
import { Connectivity } from '../../../main/core/net/connectivity';
import type { RescaleApi } from '../../../main/core/rescale/api';

test('close() resolves only once the request already out has ended', async () => {
  const db = openJobsDb(join(mkdtempSync(join(tmpdir(), 'courier-poller-')), 'jobs.db'));
  let asked = 0;
  let release: () => void = () => undefined;
  // The account's API stands for the request in flight: it ends when the test says so.
  const inFlight = new Promise<RescaleApi>((_, fail) => (release = () => fail(new Error('signed out meanwhile'))));
  const poller = new StatusPoller({
    tracked: new TrackedStore(db),
    apiFor: () => {
      asked++;
      return inFlight;
    },
    connectivity: new Connectivity(),
    timing: () => ({ fastMs: 1000, slowMs: 4000 }),
    onUpdate: () => undefined,
  });
  poller.track({ accountId: 'acc', jobId: 'job-1', status: 'Executing', history: [] });
  await vi.waitFor(() => expect(asked).toBe(1), { timeout: 10_000 });

  let closed = false;
  const closing = poller.close().then(() => (closed = true));
  // Every callback queued so far has run: close() is still waiting for the request.
  await new Promise((r) => setImmediate(r));
  expect(closed).toBe(false);
  release();
  await closing;
  expect(closed).toBe(true);
  expect(asked).toBe(1); // and nothing was sent after close()
  db.close();
});
