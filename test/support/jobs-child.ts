// A second Courier process for the crash tests: opens the same data folder, then either
// launches a job (and runs until it is killed) or lets the outbox finish what is there.
// Prints one JSON line per milestone.
import { join } from 'node:path';
import { createCourier } from '../../main/core/courier';
import { PlaintextFileSecretStore } from '../../main/core/secrets/file-store';
import { FAST_TUNING } from './jobs-env';

const [dir, mode, arg] = process.argv.slice(2) as [string, 'launch' | 'resume', string];
const courier = await createCourier({
  shell: 'cli',
  version: '0.0.0-test',
  dataDir: join(dir, 'data'),
  secrets: new PlaintextFileSecretStore(join(dir, 'secrets.json')),
  jobsTuning: FAST_TUNING,
});
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

if (mode === 'launch') {
  const r = await courier.router.dispatch(
    'courier:jobs.launch',
    { templateId: 'chainer', inputs: [{ fileId: arg, name: 'run_chainer_from_API.sh' }] },
    { transport: 'memory' },
  );
  if (!r.ok) throw new Error(r.error.message);
  say({ event: 'launched', id: (r.value as { id: string }).id });
  setInterval(() => undefined, 1000); // runs until killed
} else {
  const timer = setInterval(() => {
    const s = courier.jobs.store.get(arg);
    if (s?.state === 'submitted' || s?.state === 'failed') {
      clearInterval(timer);
      say({ event: s.state, id: s.id, jobId: s.jobId });
      void courier.close().then(() => process.exit(0));
    }
  }, 50);
}
