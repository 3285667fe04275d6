import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { checkOutputDir } from '../paths';
import { CourierError } from '../../shared/errors';
import { isIdentical } from '../../main/core/jobs/identical';
import { toRemoteFile } from '../../main/core/rescale/storage';
import type { FileRecord } from '../../main/core/rescale/models';
import type { ConflictPolicy, TransferView } from '../../main/core/transfer';
import type { IfExists } from '../arg-checks';
import type { CliContext, Connection } from '../context';
import { clean, type Out } from '../output';
import { formatBytes } from '../../shared/format';
import { runTransfers, stopIfPaused, wasSkipped, type RunSummary } from '../transfer-run';
import { authenticate } from './job-commands';
import { prefetchUpload } from '../account-cache';
import { trace } from '../trace';
import type { StagedArchive } from '../../main/core/archive/stage';

/** A path as it can be pasted into the shell: single quotes in POSIX shells, double quotes in Windows' (which has no $ or ` to fear). */
function asShellArg(p: string): string {
  if (/^[\w./:@%+=,-]+$/.test(p)) return p;
  return process.platform === 'win32' ? `"${p}"` : `'${p.replaceAll("'", `'\\''`)}'`;
}

/**
 * The file object `upload -e` prints, shaped like the seed's rescale.jar output (key order:
 * name, storage, pathParts, isUploaded, decryptedSize, encodedEncryptionKey, typeId, checksums,
 * id), with the SHA-512 `fileChecksums` the platform records instead of the legacy md5.
 */
function compatFile(f: FileRecord) {
  const cs = Object.fromEntries(Object.entries(f.storage?.connectionSettings ?? {}).filter(([k, v]) => v && k !== 'endpoint'));
  return {
    name: f.name,
    storage: { storageType: f.storage?.storageType, id: f.storage?.id, encryptionType: f.storage?.encryptionType ?? 'default', connectionSettings: cs },
    pathParts: f.pathParts,
    isUploaded: true,
    decryptedSize: f.decryptedSize,
    encodedEncryptionKey: f.encodedEncryptionKey,
    typeId: f.typeId ?? 1,
    fileChecksums: f.fileChecksums.map((c) => ({ hashFunction: c.hashFunction, fileHash: c.fileHash })),
    id: f.id,
  };
}

/**
 * Files that did not end done, and a folder that failed on its own account (its folders could not
 * be made, with every file up); a folder failed because its files did is said by the files.
 */
function failures(items: TransferView[]): TransferView[] {
  return items.filter((i) => (i.isBatch ? i.state === 'failed' && i.error?.code !== 'items_failed' : i.state !== 'done'));
}

function explainFailures(items: TransferView[]): string {
  const bad = failures(items);
  const first = bad[0];
  if (!first) return '';
  const why = first.error?.message ?? first.state;
  return bad.length === 1 ? `${clean(first.name)}: ${why}` : `${bad.length} files did not transfer; first: ${clean(first.name)}: ${why}`;
}

function summaryLine(out: Out, verb: string, s: RunSummary): void {
  const done = s.items.filter((i) => !i.isBatch && i.state === 'done' && !wasSkipped(i)).length;
  out.log(
    `${verb} ${done} file(s): ${formatBytes(s.bytesSent)} transferred${s.bytesResumed ? `, ${formatBytes(s.bytesResumed)} resumed from an earlier run` : ''}${s.skipped ? `; ${s.skipped} skipped (already there)` : ''}`,
  );
}

/** Whether a folder has at least one file anywhere below it (stops at the first). */
function holdsAFile(dir: string): boolean {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile() || (e.isDirectory() && holdsAFile(join(dir, e.name)))) return true;
  }
  return false;
}

/** `upload --as-archive`: each folder is packed into one zip first (data folder's staging/cli-upload-archives/; the app sweeps its own). */
async function stageArchives(ctx: CliContext, out: Out, paths: string[]): Promise<Map<string, StagedArchive>> {
  const staged = new Map<string, StagedArchive>();
  // Imported here: the zip writer is only for --as-archive, and every transfer command loads this file.
  const { stageFolderArchive } = await import('../../main/core/archive/stage');
  for (const p of paths) {
    if (!statSync(p).isDirectory()) continue;
    const a = await stageFolderArchive(join(ctx.dataDir, 'staging', 'cli-upload-archives'), p);
    out.log(
      `${basename(p)}/ (${a.files.toLocaleString('en-US')} files, ${formatBytes(a.bytes)}) goes up as one archive, ${basename(a.path)}: one file on the platform, registered once; unpack it yourself or in a job`,
    );
    staged.set(p, a);
  }
  return staged;
}

/** `upload -f FILE... [-d FOLDER_ID] [-e]` (rescale-cli) — also used by the native `upload PATH...`. */
export async function uploadCommand(
  ctx: CliContext,
  out: Out,
  o: { files?: string[]; directory?: string; extended?: boolean; paths?: string[]; asArchive?: boolean },
): Promise<void> {
  const startTime = Date.now();
  const given = (o.files ?? o.paths ?? []).map((p) => resolve(p));
  if (given.length === 0) throw new CourierError('invalid_input', 'Name at least one file to upload (-f FILE).');
  for (const p of given) {
    if (!existsSync(p)) throw new CourierError('local_file', `${p} does not exist. Check the path.`);
    if (o.files && statSync(p).isDirectory())
      throw new CourierError('local_file', `${p} is a folder; rescale-cli's upload takes files (use \`courier upload ${asShellArg(p)}\` to upload a folder).`);
  }
  const empty = given.find((p) => statSync(p).isDirectory() && !holdsAFile(p));
  if (empty) throw new CourierError('invalid_input', `${empty} holds no files, so there is nothing to upload. Check the folder, or name the files with -f.`);
  const archives = o.asArchive ? await stageArchives(ctx, out, given) : new Map<string, StagedArchive>();
  const paths = given.map((p) => archives.get(p)?.path ?? p);
  const conn = await authenticate(ctx, out);
  trace('authenticated');
  prefetchUpload(conn.api);
  // An unknown folder id is said before any byte goes up, not as a refusal after the upload.
  if (o.directory) for await (const _ of conn.api.folderContents(o.directory)) break;
  const s = await runTransfers(ctx, conn, out, ['upload', o.directory ?? '', ...paths], (t) =>
    t.enqueueUpload(paths, o.directory ? { folderId: o.directory } : {}),
  );
  stopIfPaused(s, 'Upload');
  const failed = explainFailures(s.items);
  // A registered archive is on the platform: its local copy goes. A failed one stays for the rerun.
  if (!failed && archives.size > 0) {
    const { dropStagedArchive } = await import('../../main/core/archive/stage');
    for (const a of archives.values()) await dropStagedArchive(a);
  }
  if (o.extended) {
    if (failed) {
      out.result(JSON.stringify({ success: false, startTime: startTime, endTime: Date.now(), files: [] }));
      throw new CourierError('server_error', failed);
    }
    const ids = s.items.filter((i) => !i.isBatch && i.remoteFileId).map((i) => i.remoteFileId!);
    const records = [];
    for (const id of ids) records.push(compatFile(await conn.api.getFile(id)));
    out.result(JSON.stringify({ success: true, startTime: startTime, endTime: Date.now(), files: records }));
    return;
  }
  if (failed) throw new CourierError('server_error', failed);
  // Each uploaded folder by its Rescale id: the way to download it again, tree and all.
  const folders = s.items.filter((i) => i.isBatch && i.remoteFileId).map((i) => ({ name: i.name, id: i.remoteFileId as string }));
  if (out.json) {
    out.result(
      JSON.stringify({
        success: true,
        files: s.items.filter((i) => !i.isBatch).map((i) => ({ name: i.name, id: i.remoteFileId, size: i.size })),
        folders,
        bytesSent: s.bytesSent,
        bytesResumed: s.bytesResumed,
      }),
    );
  } else if (o.files) {
    out.result(JSON.stringify({ success: true, startTime: startTime, endTime: Date.now() }));
  } else {
    summaryLine(out, 'Uploaded', s);
    for (const f of folders)
      out.log(`${clean(f.name)}/ is Rescale folder ${f.id}; \`courier download --folder ${f.id} -o ${asShellArg(f.name)}\` downloads it again`);
    for (const i of s.items.filter((x) => !x.isBatch)) out.result(`${i.remoteFileId}\t${clean(i.name)}`);
  }
}

/**
 * `sync -j JOB [-f GLOB...] [-o DIR]`: downloads a job's outputs into ./rescale_job_<JOB>/
 * (as rescale.jar does), matching globs against the file name, skipping files already there.
 */
export async function syncCommand(
  ctx: CliContext,
  out: Out,
  o: { job: string; files?: string[]; outputDir?: string; exclude?: string[]; search?: string[] },
): Promise<void> {
  if (o.outputDir) checkOutputDir(o.outputDir, '-o');
  const conn = await authenticate(ctx, out);
  const dir = resolve(o.outputDir ?? `rescale_job_${o.job}`);
  const all = await conn.api.jobFiles(o.job);
  // Imported here: only sync matches globs, and every transfer command loads this file.
  const match = o.files && o.files.length ? (await import('picomatch')).default(o.files, { dot: true }) : () => true;
  const excl = (o.exclude ?? []).map((x) => x.toLowerCase());
  const must = (o.search ?? []).map((x) => x.toLowerCase());
  const wanted = all.filter((f) => match(f.name) && !excl.some((x) => f.name.toLowerCase().includes(x)) && must.every((x) => f.name.toLowerCase().includes(x)));
  const fresh: FileRecord[] = [];
  for (const f of wanted) {
    const rel = f.relativePath || f.name;
    const target = join(dir, rel);
    if (!existsSync(target)) fresh.push(f);
    else if (await isIdentical(target, f)) out.log(`Skipping existing: ${clean(rel)}`);
    // Never overwritten (rescale.jar's promise), but never passed off as the job's file either.
    else out.result(`Not replacing ${clean(rel)}: it differs from the job's file (size or SHA-512). Move it away and sync again to download it.`);
  }
  if (fresh.length === 0) {
    out.log(wanted.length === 0 ? `No files of job ${o.job} match.` : 'Everything is already downloaded.');
    return;
  }
  const s = await runTransfers(ctx, conn, out, ['sync', o.job, dir, ...fresh.map((f) => f.id)], (t) =>
    t.enqueueDownload(fresh.map(toRemoteFile), dir, { conflict: 'skip', preserveRelativePaths: true }),
  );
  stopIfPaused(s, 'Download');
  const failed = explainFailures(s.items);
  if (failed) throw new CourierError('server_error', failed);
  summaryLine(out, 'Downloaded', s); // each file had its line as it ended (cli/progress.ts)
}

/** `download-file --file-id ID [-o OUT]` or `download-file -j JOB -f NAME [-o OUT]`. */
export async function downloadFileCommand(
  ctx: CliContext,
  out: Out,
  o: { fileId?: string; job?: string; file?: string; outputDir?: string; extended?: boolean; ifExists?: IfExists },
): Promise<void> {
  if (o.outputDir) checkOutputDir(o.outputDir, '-o');
  if (!o.fileId && !o.job) throw new CourierError('invalid_input', 'Give --file-id ID, or -j JOB -f NAME.');
  // rescale-cli logs this and exits 0; a script then went on as if the file were there.
  if (o.job && !o.file)
    throw new CourierError(
      'invalid_input',
      `Please provide a file name to download: -j ${o.job} -f NAME (courier list-files -j ${o.job} lists them; courier sync -j ${o.job} downloads them all).`,
    );
  const conn = await ctx.connect();
  // The file's record is asked for while users/me is (when not cached), and awaited only when
  // the transfer is enqueued: its round trip overlaps opening the journal and the service.
  const recordP = fileRecord(conn.api, o);
  recordP.catch(() => undefined); // awaited below; a run that resumes its journal never needs it
  await authenticate(ctx, out);
  trace('authenticated');
  if (o.extended) {
    const record = await recordP;
    out.result(JSON.stringify({ success: true, startTime: Date.now(), endTime: Date.now(), files: [compatFile(record)] }));
    return;
  }
  // With --file-id the journal's name is known before the record is; with -j/-f it is the record's id.
  const id = o.fileId ?? (await recordP).id;
  const dir = resolve(o.outputDir ?? '.');
  const s = await runTransfers(ctx, conn, out, ['download', id, dir], async (t) => {
    const record = await recordP;
    trace('file record');
    return t.enqueueDownload([toRemoteFile(record)], dir, { conflict: conflictFor(o.ifExists) });
  });
  stopIfPaused(s, 'Download');
  const failed = explainFailures(s.items);
  if (failed) throw new CourierError('server_error', failed);
  summaryLine(out, 'Downloaded', s);
  if (out.json) out.result(JSON.stringify({ success: true, files: s.items.map((i) => ({ id, path: i.localPath, size: i.size })) }));
}

const CONFLICT: Record<IfExists, ConflictPolicy> = { 'keep-both': 'keepBoth', overwrite: 'overwrite', skip: 'skip' };
/** Keep both unless told otherwise: a download never replaces a file nobody asked it to. */
const conflictFor = (ifExists: IfExists | undefined): ConflictPolicy => CONFLICT[ifExists ?? 'keep-both'];

/** `download-file`'s one file: by --file-id, or by -j JOB -f NAME among the job's files. */
async function fileRecord(api: Connection['api'], o: { fileId?: string; job?: string; file?: string }): Promise<FileRecord> {
  if (o.fileId) return api.getFile(o.fileId);
  const found = (await api.jobFiles(o.job as string)).find((f) => f.name === o.file);
  if (!found) throw new CourierError('not_found', `Job ${o.job} has no file named ${o.file}.`);
  return found;
}

/**
 * Native `courier download FILE_ID... [-o DIR]`, `courier download --folder FOLDER_ID [-o DIR]` or
 * `courier download --job JOB [--filter GLOB...]`.
 */
export async function downloadCommand(
  ctx: CliContext,
  out: Out,
  o: { ids?: string[]; job?: string; folder?: string; filter?: string[]; outputDir?: string; ifExists?: IfExists },
): Promise<void> {
  if (o.outputDir) checkOutputDir(o.outputDir, '-o');
  const ids = o.ids ?? [];
  if ([ids.length > 0, !!o.job, !!o.folder].filter(Boolean).length > 1)
    throw new CourierError('invalid_input', 'Download file ids, --folder FOLDER or --job JOB: one of the three at a time.');
  if (o.filter && !o.job) throw new CourierError('invalid_input', '--filter picks among the outputs of --job JOB; give the job too.');
  if (o.job && o.ifExists)
    throw new CourierError('invalid_input', 'With --job, files already there are skipped or reported, as `sync` does: --if-exists is for file ids.');
  if (o.job) return syncCommand(ctx, out, { job: o.job, ...(o.filter ? { files: o.filter } : {}), ...(o.outputDir ? { outputDir: o.outputDir } : {}) });
  if (ids.length === 0 && !o.folder) throw new CourierError('invalid_input', 'Name file ids to download, or --folder FOLDER, or --job JOB.');
  const conn = await authenticate(ctx, out);
  // A folder's tree goes below -o (default ./rescale_folder_<ID>/, as sync's ./rescale_job_<ID>/):
  // the platform gives a folder's contents by its id, not its own name.
  const dir = resolve(o.outputDir ?? (o.folder ? `rescale_folder_${o.folder}` : '.'));
  const conflict = conflictFor(o.ifExists);
  const folder = o.folder;
  const s = folder
    ? await runTransfers(ctx, conn, out, ['download-folder', folder, dir], (t) => t.enqueueDownloadFolder(folder, dir, { conflict, name: basename(dir) }))
    : await runTransfers(ctx, conn, out, ['download', dir, ...ids], (t) => t.enqueueDownload(ids, dir, { conflict }));
  stopIfPaused(s, 'Download');
  if (folder && !s.items.some((i) => !i.isBatch)) {
    out.log(`Rescale folder ${folder} holds no files (in it or below it): nothing to download.`);
    return;
  }
  const failed = explainFailures(s.items);
  if (failed) throw new CourierError('server_error', failed);
  if (out.json)
    return out.result(
      JSON.stringify({
        success: true,
        files: s.items
          .filter((i) => !i.isBatch)
          .map((i) => ({ id: i.remoteFileId, path: i.localPath, size: i.size, ...(wasSkipped(i) ? { skipped: true } : {}) })),
        ...(folder ? { folder: { id: folder, path: dir } } : {}),
        bytesSent: s.bytesSent,
        bytesResumed: s.bytesResumed,
      }),
    );
  summaryLine(out, 'Downloaded', s);
  for (const i of s.items) if (!i.isBatch) out.result(clean(i.localPath));
}
