// What the simulated run's working directory holds: every input file by its name, except that
// an input marked `decompress: true` that is a zip is unpacked in its place (as the platform
// does before the command runs). Only the zip's central directory is read, after decrypting the
// stored object to a temporary file: names and sizes are what a test needs to compare layouts.
import { createDecipheriv } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { SandboxCore } from '../core';
import type { FileRec, JobRec } from '../store/state';
import { isObject } from '../util/json';

export interface WorkingFile {
  path: string;
  size: number;
}

export interface WorkingDir {
  files: WorkingFile[];
  /** Inputs unpacked in place, and archives that could not be (with why). */
  unpacked: string[];
  problems: string[];
}

function listZip(path: string): Promise<WorkingFile[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err) return reject(err);
      const out: WorkingFile[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        if (!e.fileName.endsWith('/')) out.push({ path: e.fileName, size: e.uncompressedSize });
        zip.readEntry();
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

async function decryptToFile(core: SandboxCore, f: FileRec, to: string): Promise<void> {
  const pp = f.record['pathParts'];
  if (!isObject(pp) || typeof pp['container'] !== 'string' || typeof pp['path'] !== 'string') throw new Error('the file has no storage location');
  const meta = core.objects.get(pp['container'], pp['path']);
  if (!meta || meta.size === 0) throw new Error('its contents are not in storage');
  const key = Buffer.from(String(f.record['encodedEncryptionKey'] ?? ''), 'base64');
  const iv = Buffer.from(meta.metadata['iv'] ?? '', 'base64');
  const d = createDecipheriv('aes-256-cbc', key, iv);
  await pipeline(await core.objects.openRange(meta, 0, meta.size - 1), d, createWriteStream(to));
}

export async function workingDir(core: SandboxCore, job: JobRec): Promise<WorkingDir> {
  const wd: WorkingDir = { files: [], unpacked: [], problems: [] };
  for (const ref of job.analyses.flatMap((a) => a.inputFiles)) {
    const f = core.store.state.files[ref.id];
    const name = String(f?.record['name'] ?? ref.id);
    const size = Number(f?.record['decryptedSize'] ?? 0);
    if (!f || !ref.decompress || !/\.zip$/i.test(name)) {
      wd.files.push({ path: name, size });
      continue;
    }
    const tmp = core.objects.tmpFile();
    try {
      await decryptToFile(core, f, tmp);
      wd.files.push(...(await listZip(tmp)));
      wd.unpacked.push(name);
    } catch (e) {
      wd.problems.push(`${name}: ${(e as Error).message}`);
      wd.files.push({ path: name, size });
    } finally {
      await rm(tmp, { force: true });
    }
  }
  wd.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return wd;
}

/** The log's lines: one per file, `  <size>  <path>`, as `ls`-like as a test can parse. */
export function workingDirLines(wd: WorkingDir): string[] {
  return [
    ...wd.unpacked.map((n) => `[sandbox] Unpacked ${n} (decompress) in the working directory.`),
    ...wd.problems.map((p) => `[sandbox] Could not unpack ${p}`),
    `Working directory (${wd.files.length} files):`,
    ...wd.files.map((f) => `  ${String(f.size).padStart(12)}  ${f.path}`),
  ];
}
