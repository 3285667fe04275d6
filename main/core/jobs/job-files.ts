// A job's files for the requests: a local input described before launch, outputs downloaded on
// request, the log's tail, and the live files of a running job (live.ts), each with the active
// account's session and the folders Courier keeps them in.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CourierError } from '../../../shared/errors';
import { walkTree } from '../archive/walk';
import { liveDownload, liveFiles, liveTail, type LiveDeps } from './live';
import { defaultDownloadsRoot, jobFolder } from './outputs';
import type { JobsIn, JobsOut } from './request-types';
import type { JobsService } from './service';
import { tailLog } from './tail';

export class JobFiles {
  constructor(private readonly jobs: JobsService) {}

  async describeInput(path: string): Promise<JobsOut<'describeInput'>> {
    const st = await stat(path).catch(() => null);
    if (!st) throw new CourierError('local_file', `Not found: ${path}`, { field: 'path' });
    if (!st.isDirectory()) return { kind: 'file' as const, files: 1, bytes: st.size };
    const tree = await walkTree(path);
    return { kind: 'folder' as const, files: tree.files, bytes: tree.bytes };
  }

  async downloadOutputs(jobId: string, filter: JobsIn<'downloadOutputs'>['filter']): Promise<JobsOut<'downloadOutputs'>> {
    const sess = await this.jobs.d.accounts.session();
    const t = this.jobs.tracked.get(sess.account.id, jobId);
    return this.jobs.outputs.onDemand(sess.account.id, jobId, filter, t?.options.outputFolder || undefined);
  }

  async tailLog(jobId: string, lines: number): Promise<JobsOut<'tailLog'>> {
    const sess = await this.jobs.d.accounts.session();
    return tailLog({
      api: sess.api,
      accountId: sess.account.id,
      jobId,
      lines,
      transfers: this.jobs.d.transfers,
      cacheDir: join(this.jobs.d.dataDir, 'cache', 'logs'),
    });
  }

  private async liveDeps(): Promise<LiveDeps> {
    const sess = await this.jobs.d.accounts.session();
    return { api: sess.api, accountId: sess.account.id, transfers: this.jobs.d.transfers, cacheDir: join(this.jobs.d.dataDir, 'cache', 'live') };
  }

  async liveFiles(jobId: string): Promise<JobsOut<'liveFiles'>> {
    return liveFiles(await this.liveDeps(), jobId);
  }

  async liveTail({ jobId, path, lines, cursor }: JobsIn<'liveTail'>): Promise<JobsOut<'liveTail'>> {
    return liveTail(await this.liveDeps(), { jobId, path, lines, ...(cursor ? { cursor } : {}) });
  }

  async liveDownload({ jobId, paths }: JobsIn<'liveDownload'>): Promise<JobsOut<'liveDownload'>> {
    const d = await this.liveDeps();
    // The job's folder as downloadOutputs makes it: the template's output folder, else the settings'.
    const folder = this.jobs.tracked.get(d.accountId, jobId)?.options.outputFolder || this.jobs.d.settings.get().downloads.folder;
    const dir = jobFolder(defaultDownloadsRoot(folder), jobId);
    return liveDownload(d, { jobId, ...(paths ? { paths } : {}), dir });
  }
}
