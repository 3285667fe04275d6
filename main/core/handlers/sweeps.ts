// Sweep requests: thin over main/core/jobs/sweeps.ts.
import type { CourierHandlers } from '../../../shared/contract';
import type { CoreServices } from '../courier';
import { downloadSweepOutputs, findSweep, launchSweep, previewSweep, retrySweep, stopSweep, submitPace, sweepCsv, type SweepDeps } from '../jobs/sweeps';
import { sweepSummaries, sweepView } from '../jobs/sweep-view';
import type { CallContext } from '../rpc/router';

type Handlers = Pick<CourierHandlers<CallContext>, 'sweeps'>;

export function sweepHandlers(s: CoreServices): Handlers {
  const jobs = s.jobs;
  // Like a single launch, a sweep never waits for the network: the catalog check uses the disk cache.
  const deps = async (): Promise<SweepDeps> => ({
    jobs,
    ctx: await jobs.launchContext(),
    downloadsFolder: s.settings.get().downloads.folder,
    cwd: process.cwd(),
  });
  const view = async (sweep: string) => {
    const sess = await s.accounts.session();
    return sweepView(jobs, findSweep(jobs, sess.account.id, sweep), submitPace(sess.api));
  };
  return {
    sweeps: {
      async preview(spec) {
        return previewSweep(spec, await deps());
      },
      async launch(spec) {
        const d = await deps();
        const r = await launchSweep(spec, d);
        return { sweep: sweepView(jobs, r.sweep, submitPace(d.ctx.api)), resumed: r.resumed };
      },
      async list() {
        const sess = await s.accounts.session();
        return { sweeps: sweepSummaries(jobs, sess.account.id) };
      },
      async get({ sweep }) {
        return view(sweep);
      },
      async stopAll({ sweep }) {
        const sess = await s.accounts.session();
        return stopSweep(jobs, findSweep(jobs, sess.account.id, sweep), sess.api);
      },
      async retryFailed({ sweep }) {
        const sess = await s.accounts.session();
        return retrySweep(jobs, findSweep(jobs, sess.account.id, sweep));
      },
      async downloadOutputs({ sweep, filter }) {
        const sess = await s.accounts.session();
        return downloadSweepOutputs(jobs, findSweep(jobs, sess.account.id, sweep), filter);
      },
      async exportCsv({ sweep }) {
        const v = await view(sweep);
        return { csv: sweepCsv(v), fileName: `${v.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.csv` };
      },
    },
  };
}
