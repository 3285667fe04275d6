// Child process for the Jobs badge test: another Courier (the CLI) on the same jobs.db sends
// queued rows, as the outbox does: the submission becomes submitted and its job is recorded in
// one commit. Each job gets the status the parent names in turn. Prints how many it moved.
import { openJobsDb } from '../../main/core/jobs/db';
import { OutboxStore } from '../../main/core/jobs/outbox-store';
import { TrackedStore } from '../../main/core/jobs/tracked-store';

const [dbPath, howMany, statusList] = process.argv.slice(2);
const db = openJobsDb(dbPath!);
const store = new OutboxStore(db);
const tracked = new TrackedStore(db);
const statuses = statusList!.split(',');
const ids = (db.prepare("SELECT id FROM submissions WHERE state = 'queued' ORDER BY seq LIMIT ?").all(Number(howMany)) as { id: string }[]).map((r) => r.id);
let moved = 0;
for (const [i, id] of ids.entries()) {
  const status = statuses[i % statuses.length]!;
  const jobId = `cli-job-${i}`;
  db.transaction(() => {
    const s = store.get(id)!;
    if (!store.userUpdate(id, { state: 'submitted', jobId }, ['queued'])) return;
    tracked.upsert({ jobId, accountId: s.accountId, name: s.jobName, source: 'courier', submissionId: id, templateId: s.templateId, options: s.options });
    const history = [{ status, statusDate: new Date().toISOString(), statusReason: null }];
    tracked.setStatus(s.accountId, jobId, { status, history, outcome: 'running', terminal: false });
    moved++;
  }).immediate();
}
db.close();
process.stdout.write(JSON.stringify({ moved }));
