// Live files of a running job (issue #18): the active run's working directory, following one of
// its text files (see follow.ts for the alignment), and downloading live files through a
// snapshot. Once the run ends, the file is read from the job's outputs, so the last lines
// written between two polls are handed out too, then `final` says nothing more will come.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { CourierError } from '../../../shared/errors';
import type { RescaleApi } from '../rescale/api';
import { checkLivePath, describeSkipped, directoryContents, liveTailText, runFiles, splitText, takeSnapshot, type LiveEntry } from '../rescale/live-api';
import type { FileRecord } from '../rescale/models';
import { toRemoteFile } from '../rescale/storage';
import { containedPath } from '../security/contained-path';
import { alignWindow, decodeCursor, encodeCursor, startFollow, widerWindow, type FollowState, type TailWindow } from './follow';
import { containedOutputs } from './outputs';
import { isTerminal, toHistory } from './status';
import type { JobTransfers } from './transfers';

export interface LiveDeps {
  api: RescaleApi;
  accountId: string;
  transfers: JobTransfers;
  /** Where finished files are cached to be read (data folder). */
  cacheDir: string;
}

type Run = Awaited<ReturnType<RescaleApi['jobRuns']>>[number];

/** The run that is running now, else the latest one (null before the cluster started). */
async function currentRun(api: RescaleApi, jobId: string): Promise<{ run: Run | null; active: boolean }> {
  const runs = await api.jobRuns(jobId);
  const active = runs.find((r) => r.dateStarted && !r.dateCompleted);
  if (active) return { run: active, active: true };
  return { run: runs.filter((r) => r.dateStarted).at(-1) ?? null, active: false };
}

export async function liveFiles(d: LiveDeps, jobId: string): Promise<{ available: boolean; runId: string | null; entries: LiveEntry[]; note?: string }> {
  const { run, active } = await currentRun(d.api, jobId);
  if (!run || !active) {
    const note = run ? `Job ${jobId} is no longer running: its files are in its outputs.` : `Job ${jobId} has not started running yet.`;
    return { available: false, runId: run?.id ?? null, entries: [], note };
  }
  const { entries, skipped } = await directoryContents(d.api, jobId, run.id);
  const note = describeSkipped(skipped, `list the working directory of job ${jobId}`);
  return { available: true, runId: run.id, entries: entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), ...(note ? { note } : {}) };
}

export interface LiveTailAnswer {
  lines: string[];
  cursor: string;
  restarted: boolean;
  final: boolean;
  note?: string;
}

/** Reads windows of growing size until the new lines are placed (or the widest window is reached). */
async function alignLive(d: LiveDeps, jobId: string, state: FollowState, lines: number): Promise<ReturnType<typeof alignWindow> | null> {
  for (let n: number | null = Math.max(lines, 64); n !== null; n = widerWindow(n)) {
    const t = await liveTailText(d.api, jobId, state.runId, state.path, n);
    if (!t) return null;
    const a = alignWindow(state, windowOf(t, n), widerWindow(n) !== null);
    if (a.kind === 'lines') return a;
  }
  return null;
}

/** Complete lines only: a last line still being written is handed out once it ends. */
function windowOf(t: { lines: string[]; complete: boolean }, asked: number): TailWindow {
  return { lines: t.complete ? t.lines : t.lines.slice(0, -1), whole: t.lines.length < asked };
}

const gapNote = 'More lines were written since the last read than one read can return: some lines in between are not shown.';
const ambiguousNote = 'The last lines shown repeat in the file, so where reading stopped is not certain: new lines identical to them may not be shown.';

/** What to say about an alignment: a restart, a gap, or an uncertain position. */
function alignNote(a: { restarted: boolean; gap: boolean; ambiguous: boolean }, path: string): string | undefined {
  if (a.restarted) return `${path} was rewritten or truncated: its lines start over.`;
  return a.gap ? gapNote : a.ambiguous ? ambiguousNote : undefined;
}

export async function liveTail(d: LiveDeps, o: { jobId: string; path: string; lines: number; cursor?: string }): Promise<LiveTailAnswer> {
  const path = checkLivePath(o.path);
  let prev = o.cursor ? decodeCursor(o.cursor) : null;
  if (prev && prev.path !== path)
    throw new CourierError('invalid_input', `The cursor follows ${prev.path}, not ${path}: start again without a cursor.`, { field: 'cursor' });
  const { run, active } = await currentRun(d.api, o.jobId);
  if (!run) return waiting(d, o.jobId, path, prev);
  // Another run than the cursor's: its files start over. A restart only if lines were handed out
  // already; a follow begun before the run existed simply goes on, from the file's first line.
  const restartedRun = prev !== null && prev.runId !== run.id && handedOut(prev);
  if (prev !== null && prev.runId !== run.id) prev = restartedRun ? null : { ...prev, runId: run.id };
  if (active) {
    const live = await readLive(d, o.jobId, run.id, path, o.lines, prev);
    if (live) return { ...live, restarted: live.restarted || restartedRun };
    // The file is gone or the run just ended: the runs say which.
    const again = await currentRun(d.api, o.jobId);
    if (again.active)
      return {
        lines: [],
        cursor: prev ? encodeCursor(prev) : emptyCursor(run.id, path),
        restarted: restartedRun,
        final: false,
        note: `${path} is not in the working directory (yet).`,
      };
  }
  const done = await readFinal(d, o.jobId, run.id, path, o.lines, prev);
  return { ...done, restarted: done.restarted || restartedRun };
}

const handedOut = (s: FollowState) => s.seen !== 0 || s.anchor.length > 0;
const emptyCursor = (runId: string, path: string) => encodeCursor({ runId, path, seen: 0, anchor: [] });

async function waiting(d: LiveDeps, jobId: string, path: string, prev: FollowState | null): Promise<LiveTailAnswer> {
  const status = toHistory(await d.api.jobStatuses(jobId))[0]?.status ?? '';
  const final = status !== '' && isTerminal(status);
  const note = final ? `Job ${jobId} ended without running.` : `Job ${jobId} has not started running yet.`;
  return { lines: [], cursor: prev ? encodeCursor(prev) : emptyCursor('0', path), restarted: false, final, note };
}

async function readLive(d: LiveDeps, jobId: string, runId: string, path: string, lines: number, prev: FollowState | null): Promise<LiveTailAnswer | null> {
  if (!prev) {
    const asked = Math.max(lines, 64);
    const t = await liveTailText(d.api, jobId, runId, path, asked);
    if (!t) return null;
    const { fresh, state } = startFollow(runId, path, windowOf(t, asked), lines);
    return { lines: fresh, cursor: encodeCursor(state), restarted: false, final: false };
  }
  const a = await alignLive(d, jobId, prev, lines);
  if (!a || a.kind !== 'lines') return null;
  const note = alignNote(a, path);
  return { lines: a.fresh, cursor: encodeCursor(a.state), restarted: a.restarted, final: false, ...(note ? { note } : {}) };
}

/** The largest finished file followed to its end (read whole into memory once). */
const FINAL_READ_MAX_BYTES = 64 * 2 ** 20;

/** The ended run's copy of the file, from the job's outputs: the rest of it, then `final`. */
async function readFinal(d: LiveDeps, jobId: string, runId: string, path: string, lines: number, prev: FollowState | null): Promise<LiveTailAnswer> {
  const file = (await d.api.jobFiles(jobId)).find((f) => (f.relativePath ?? f.name) === path || (!path.includes('/') && f.name === path));
  const state: FollowState = prev ?? { runId, path, seen: 0, anchor: [] };
  if (!file) return { lines: [], cursor: encodeCursor(state), restarted: false, final: true, note: `Job ${jobId} ended; its outputs have no ${path}.` };
  // The finished copy is read whole to align it with what was shown: a huge log is not followed
  // to its end here (downloading and holding gigabytes per poll), it is said instead.
  if (file.decryptedSize > FINAL_READ_MAX_BYTES) {
    const mib = Math.round(file.decryptedSize / 2 ** 20);
    return {
      lines: [],
      cursor: encodeCursor(state),
      restarted: false,
      final: true,
      note: `Job ${jobId} ended; ${path} is ${mib} MiB, too large to show here: download it with the job's outputs.`,
    };
  }
  const text = await readOutput(d, jobId, file, path);
  const all = splitText(text).lines; // the file is finished: a last line without newline is complete
  if (!prev) {
    const { fresh, state: next } = startFollow(runId, path, { lines: all, whole: true }, lines);
    return { lines: fresh, cursor: encodeCursor(next), restarted: false, final: true };
  }
  const a = alignWindow(state, { lines: all, whole: true }, false);
  if (a.kind !== 'lines') throw new CourierError('internal', 'A whole file always aligns.');
  const note = alignNote(a, path);
  return { lines: a.fresh, cursor: encodeCursor(a.state), restarted: a.restarted, final: true, ...(note ? { note } : {}) };
}

/** Downloads (decrypting, verifying) an output file into the cache unless an identical-size copy is there. */
async function readOutput(d: LiveDeps, jobId: string, file: FileRecord, path: string): Promise<string> {
  const dir = containedPath(d.cacheDir, jobId);
  const local = containedPath(dir, path);
  if (existsSync(local) && statSync(local).size === file.decryptedSize) return readFile(local, 'utf8');
  const [id] = await d.transfers.enqueueDownloads(d.accountId, [{ ...toRemoteFile(file), relativePath: path }], dir, 'overwrite');
  const [done] = await d.transfers.settle(d.accountId, id ? [id] : []);
  if (!done || done.state !== 'done')
    throw new CourierError('server_error', `${path} of job ${jobId} could not be downloaded: ${done?.error?.message ?? 'unknown error'}.`);
  return readFile(done.localPath, 'utf8');
}

/**
 * Snapshots the running job's working directory and downloads the listed files (all when none
 * are listed) into `dir` through the transfer engine. A snapshot copy replaces an older one.
 */
export async function liveDownload(
  d: LiveDeps,
  o: { jobId: string; paths?: string[]; dir: string },
): Promise<{ dir: string; files: string[]; transferIds: string[] }> {
  const wanted = o.paths?.map(checkLivePath);
  const { run, active } = await currentRun(d.api, o.jobId);
  if (!run || !active) {
    throw new CourierError(
      'invalid_input',
      run ? `Job ${o.jobId} is no longer running: download its outputs instead.` : `Job ${o.jobId} has not started running yet: there is nothing to download.`,
      { field: 'jobId' },
    );
  }
  await takeSnapshot(d.api, o.jobId, run.id);
  const { items, skipped } = await runFiles(d.api, o.jobId, run.id);
  const pathOf = (f: FileRecord) => f.relativePath || f.name;
  const picked = wanted ? items.filter((f) => wanted.includes(pathOf(f))) : items;
  const missing = wanted?.filter((p) => !picked.some((f) => pathOf(f) === p)) ?? [];
  const { safe, refused } = containedOutputs(picked, o.dir);
  if (missing.length || refused.length || (safe.length === 0 && !wanted)) {
    const why = [
      missing.length ? `not in the snapshot: ${missing.slice(0, 3).join(', ')}` : '',
      refused.length
        ? `refused (outside ${o.dir}): ${refused
            .slice(0, 3)
            .map((r) => JSON.stringify(r))
            .join(', ')}`
        : '',
      describeSkipped(skipped, 'list the snapshot') ?? '',
    ].filter(Boolean);
    if (safe.length === 0 || missing.length)
      throw new CourierError('not_found', `Nothing downloaded from job ${o.jobId}'s working directory${why.length ? ` (${why.join('; ')})` : ''}.`, {
        field: 'paths',
      });
  }
  const transferIds = await d.transfers.enqueueDownloads(d.accountId, safe.map(toRemoteFile), o.dir, 'overwrite');
  return { dir: o.dir, files: safe.map(pathOf), transferIds };
}
