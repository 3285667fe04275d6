// The live view of a running job: the active run's working directory, the end of one of its
// files, and snapshots that turn live files into ordinary (encrypted) file records. Shapes are
// documented in docs/rescale-protocol.md ("Live files"); everything here is read item by item
// and every path from the platform is checked before it is used.
import * as z from 'zod';
import { CourierError } from '../../../shared/errors';
import type { RescaleApi } from './api';
import { newTally, parseItems, skippedMessage, type SkipTally } from './lists';
import { fileRecord, parseRescaleDate, type FileRecord } from './models';

/** Relative, forward slashes, no `.`/`..` segment, no NUL or control characters, bounded. */
export function isSafeLivePath(p: unknown): p is string {
  if (typeof p !== 'string' || p.length === 0 || p.length > 1024) return false;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(p) || p.startsWith('/') || /^[A-Za-z]:/.test(p)) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

export function checkLivePath(p: string): string {
  if (!isSafeLivePath(p)) {
    throw new CourierError(
      'invalid_input',
      `${JSON.stringify(p).slice(0, 120)} is not a path inside the job's working directory (use a relative path like process_output.log or result/log, without "..").`,
      { field: 'path' },
    );
  }
  return p;
}

const size = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(Number);
const liveEntry = z.looseObject({
  path: z.string().refine(isSafeLivePath, { error: (iss) => `${JSON.stringify(iss.input).slice(0, 80)} is not a relative path inside the working directory` }),
  size: size.nullish(),
  lastModified: z.string().nullish(),
  isDirectory: z.union([z.boolean(), z.string()]).nullish(),
});
export interface LiveEntry {
  path: string;
  size: number | null;
  modifiedAt: string | null;
}
const contents = z.union([z.array(z.unknown()), z.looseObject({ results: z.array(z.unknown()), next: z.string().nullish() })]);

const jobPath = (jobId: string, runId: string) => `/api/v2/jobs/${encodeURIComponent(jobId)}/runs/${encodeURIComponent(runId)}`;
const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/** The files of the run's working directory (directories left out), with how many entries could not be read. */
export async function directoryContents(
  api: RescaleApi,
  jobId: string,
  runId: string,
  signal?: AbortSignal,
): Promise<{ entries: LiveEntry[]; skipped: SkipTally }> {
  const what = `list the working directory of job ${jobId}`;
  const path = `${jobPath(jobId, runId)}/directory-contents/`;
  const first = await api.http.call('GET', path, { schema: contents, query: { page_size: 1000 }, what, ...(signal ? { signal } : {}) });
  const skipped = newTally();
  let raw: z.output<typeof liveEntry>[];
  if (Array.isArray(first)) raw = parseItems(first, liveEntry, skipped);
  else if (!first.next) raw = parseItems(first.results, liveEntry, skipped);
  else {
    raw = [];
    for await (const e of api.http.paginate(path, liveEntry, { what, pageSize: 1000, skipped, ...(signal ? { signal } : {}) })) raw.push(e);
  }
  const isDir = (v: boolean | string | null | undefined) => v === true || v === 'true' || v === 'True';
  const entries = raw
    .filter((e) => !isDir(e.isDirectory))
    .map((e) => {
      const t = parseRescaleDate(e.lastModified ?? null);
      return { path: e.path, size: e.size ?? null, modifiedAt: t === null ? null : new Date(t).toISOString() };
    });
  return { entries, skipped };
}

export function describeSkipped(skipped: SkipTally, what: string): string | undefined {
  return skipped.count ? skippedMessage(skipped, what) : undefined;
}

/**
 * The last `lines` lines of a live file. `complete: false` when the text did not end with a
 * newline (its last line is still being written). A JSON answer (`{lines}` or a bare array)
 * carries no such hint: its lines are taken as complete. null: the platform has no such file.
 */
export async function liveTailText(
  api: RescaleApi,
  jobId: string,
  runId: string,
  path: string,
  lines: number,
  signal?: AbortSignal,
): Promise<{ lines: string[]; complete: boolean } | null> {
  checkLivePath(path);
  const schema = z.union([z.looseObject({ text: z.string() }), z.looseObject({ lines: z.array(z.string()) }), z.array(z.string())]);
  try {
    const r = await api.http.call('GET', `${jobPath(jobId, runId)}/tail/${encodePath(path)}/`, {
      schema,
      text: true,
      query: { lines },
      what: `read the end of ${path} of job ${jobId}`,
      ...(signal ? { signal } : {}),
    });
    if (Array.isArray(r)) return { lines: r, complete: true };
    if ('lines' in r && Array.isArray(r.lines)) return { lines: r.lines, complete: true };
    return splitText(String((r as { text: string }).text));
  } catch (e) {
    if (e instanceof CourierError && e.code === 'not_found') return null;
    throw e;
  }
}

/** Lines of a text; `complete` when it ends with a newline (or is empty). CRLF counts as one newline. */
export function splitText(text: string): { lines: string[]; complete: boolean } {
  if (text === '') return { lines: [], complete: true };
  const lines = text.split(/\r?\n/);
  const complete = lines.at(-1) === '';
  if (complete) lines.pop();
  return { lines, complete };
}

/** Asks the platform to copy the run's current files to storage, where they become file records of the run. */
export async function takeSnapshot(api: RescaleApi, jobId: string, runId: string, signal?: AbortSignal): Promise<void> {
  await api.http.call('POST', `${jobPath(jobId, runId)}/snapshot/`, {
    schema: z.unknown(),
    retry: 'never',
    what: `snapshot the working directory of job ${jobId}`,
    ...(signal ? { signal } : {}),
  });
}

/** The run's file records (after a snapshot: the snapshot's copies of the live files). */
export async function runFiles(api: RescaleApi, jobId: string, runId: string, signal?: AbortSignal): Promise<{ items: FileRecord[]; skipped: SkipTally }> {
  const skipped = newTally();
  const items: FileRecord[] = [];
  for await (const f of api.http.paginate(`${jobPath(jobId, runId)}/files/`, fileRecord, {
    what: `list the files of run ${runId} of job ${jobId}`,
    pageSize: 1000,
    skipped,
    ...(signal ? { signal } : {}),
  }))
    items.push(f);
  return { items, skipped };
}
