// Handlers of the live-file requests (jobs.liveFiles / liveTail / liveDownload), kept apart from
// handlers/jobs.ts so the job handlers stay one screenful each.
import { join } from 'node:path';
import type { CourierHandlers } from '../../../shared/contract';
import type { CoreServices } from '../courier';
import { defaultDownloadsRoot, jobFolder } from '../jobs/outputs';
import { liveDownload, liveFiles, liveTail, type LiveDeps } from '../jobs/live';
import type { CallContext } from '../rpc/router';

type JobHandlers = CourierHandlers<CallContext>['jobs'];

export function liveHandlers(s: CoreServices): Pick<JobHandlers, 'liveFiles' | 'liveTail' | 'liveDownload'> {
  const deps = async (): Promise<LiveDeps> => {
    const sess = await s.accounts.session();
    return { api: sess.api, accountId: sess.account.id, transfers: s.jobs.d.transfers, cacheDir: join(s.ports.dataDir, 'cache', 'live') };
  };
  return {
    async liveFiles({ jobId }) {
      return liveFiles(await deps(), jobId);
    },
    async liveTail({ jobId, path, lines, cursor }) {
      return liveTail(await deps(), { jobId, path, lines, ...(cursor ? { cursor } : {}) });
    },
    async liveDownload({ jobId, paths }) {
      const d = await deps();
      // The job's folder as downloadOutputs makes it: the template's output folder, else the settings'.
      const folder = s.jobs.tracked.get(d.accountId, jobId)?.options.outputFolder || s.jobs.d.settings.get().downloads.folder;
      const dir = jobFolder(defaultDownloadsRoot(folder), jobId);
      return liveDownload(d, { jobId, ...(paths ? { paths } : {}), dir });
    },
  };
}
