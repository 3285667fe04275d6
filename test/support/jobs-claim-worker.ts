// Child process for the outbox lease test: claims submissions from a shared jobs.db as fast as
// it can, "sends" each (moves it to submitted) and prints the ids it sent. It says "ready" once
// the database is open and starts on "go" from stdin, so two of them start together however
// long each took to boot.
import { once } from 'node:events';
import { openJobsDb } from '../../main/core/jobs/db';
import { newOwner } from '../../main/core/jobs/lease';
import { OutboxStore } from '../../main/core/jobs/outbox-store';

const [dbPath] = process.argv.slice(2);
const store = new OutboxStore(openJobsDb(dbPath!));
const me = newOwner();
process.stdout.write('ready\n');
await once(process.stdin, 'data');
const sent: string[] = [];
for (;;) {
  const { claimed, wakeAt } = store.claimNext(me, 60_000);
  if (!claimed) {
    if (wakeAt === null) break;
    await new Promise((r) => setTimeout(r, 2));
    continue;
  }
  await new Promise((r) => setTimeout(r, 15)); // the request
  if (store.update(claimed, me, { state: 'submitted', jobId: `job-${claimed.seq}` }, ['queued'])) sent.push(claimed.id);
  store.release(claimed.id, me);
}
process.stdout.write(`${JSON.stringify(sent)}\n`);
process.stdin.destroy();
