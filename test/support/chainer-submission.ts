// A queued launch of the chainer preset, as the outbox stores it: for tests that fill jobs.db
// with many submissions (sweeps, the Jobs badge).
import { launchItems, resolveLaunch } from '../../main/core/jobs/payload';
import { findPreset } from '../../main/core/jobs/presets';

export const chainer = findPreset('chainer')!;
const launch = resolveLaunch(chainer, { inputs: launchItems(chainer, [{ fileId: 'F1', name: 'run.sh' }]), values: {} });

let n = 0;

/** The next submission for `accountId`: its own id, job name and marker. */
export function chainerSubmission(accountId: string) {
  n++;
  return {
    id: `sub-${n}-${Math.random()}`,
    accountId,
    templateId: 'chainer',
    templateName: chainer.name,
    jobName: `${launch.jobName} ${n}`,
    marker: `cr-${n}`,
    launch,
    source: { template: chainer, inputs: [{ fileId: 'F1', name: 'run.sh' }], values: {} },
    inputs: [{}],
    options: { outputFilters: ['*.log'], autoDownload: true, outputFolder: '', notify: 'all' as const },
  };
}
