// The end of a job's process_output.log. While the job runs we ask for the platform's live tail
// (runs/{run}/tail/, see live-api.ts); otherwise, once the log is an output file, it is
// downloaded (decrypted by the transfer engine) to a cache folder.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CourierError } from '../../../shared/errors';
import type { RescaleApi } from '../rescale/api';
import { liveTailText } from '../rescale/live-api';
import { toRemoteFile } from '../rescale/storage';
import { isTerminal, toHistory } from './status';
import type { JobTransfers } from './transfers';

const LOG = 'process_output.log';

export interface TailResult {
  available: boolean;
  source: 'live' | 'output' | 'none';
  lines: string[];
  note?: string;
}

const lastLines = (text: string, n: number): string[] => {
  const all = text.replace(/\r\n/g, '\n').split('\n');
  if (all.at(-1) === '') all.pop();
  return all.slice(-n);
};

async function liveTail(api: RescaleApi, jobId: string, lines: number): Promise<string[] | null> {
  const runs = await api.jobRuns(jobId);
  const active = runs.find((r) => r.dateStarted && !r.dateCompleted);
  if (!active) return null;
  try {
    const t = await liveTailText(api, jobId, active.id, LOG, lines);
    return t ? t.lines.slice(-lines) : null;
  } catch (e) {
    if (e instanceof CourierError && e.code === 'server_error') return null;
    throw e;
  }
}

export async function tailLog(o: {
  api: RescaleApi;
  accountId: string;
  jobId: string;
  lines: number;
  transfers: JobTransfers;
  cacheDir: string;
}): Promise<TailResult> {
  const statuses = await o.api.jobStatuses(o.jobId);
  const status = toHistory(statuses)[0]?.status ?? '';
  if (!status) return { available: false, source: 'none', lines: [], note: 'The job has not been submitted yet.' };
  const running = !isTerminal(status);
  if (running) {
    const live = await liveTail(o.api, o.jobId, o.lines);
    if (live) return { available: true, source: 'live', lines: live };
  }
  const file = (await o.api.jobFiles(o.jobId)).find((f) => f.name === LOG || f.relativePath?.endsWith(`/${LOG}`));
  if (!file) {
    return {
      available: false,
      source: 'none',
      lines: [],
      note: running ? `The platform offers no live log for this job; ${LOG} appears when the run ends.` : `Job ${o.jobId} has no ${LOG}.`,
    };
  }
  const dir = join(o.cacheDir, o.jobId);
  // A finished job's log never changes: read the cached copy instead of downloading it again.
  const cached = join(dir, LOG);
  if (!running && existsSync(cached) && statSync(cached).size === file.decryptedSize) {
    return { available: true, source: 'output', lines: lastLines(await readFile(cached, 'utf8'), o.lines) };
  }
  const [id] = await o.transfers.enqueueDownloads(o.accountId, [{ ...toRemoteFile(file), relativePath: LOG }], dir, 'overwrite');
  const [done] = await o.transfers.settle(o.accountId, id ? [id] : []);
  if (!done || done.state !== 'done') throw new CourierError('server_error', `${LOG} could not be downloaded: ${done?.error?.message ?? 'unknown error'}.`);
  return {
    available: true,
    source: 'output',
    lines: lastLines(await readFile(done.localPath, 'utf8'), o.lines),
    ...(running ? { note: 'A copy from the latest run.' } : {}),
  };
}
