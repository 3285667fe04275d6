import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CourierError } from '../shared/errors';

/**
 * Path problems said in words, with what to do: a folder where a file is wanted, a file where a
 * folder is wanted, a path that is not there. Node's own EISDIR / ENOTDIR lines name neither
 * the path nor the option.
 */
function kindOf(path: string): 'file' | 'folder' | 'missing' | 'other' {
  try {
    const s = statSync(path);
    return s.isDirectory() ? 'folder' : s.isFile() ? 'file' : 'other';
  } catch (e) {
    // ENOTDIR: a file stands where a folder of the path should be; the parents tell which.
    if (['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return 'missing';
    throw e;
  }
}

/** Reads a text file given on the command line; `what` names it ("the template file"). */
export function readInputFile(path: string, what: string): string {
  requireFile(path, what);
  return readFileSync(path, 'utf8');
}

/** A file given on the command line must be there and be a file; `what` names it ("the script"). */
export function requireFile(path: string, what: string): void {
  const kind = kindOf(path);
  if (kind === 'folder') throw new CourierError('invalid_input', `${path} is a folder, but ${what} must be one file. Give the path of the file itself.`);
  if (kind !== 'file')
    throw new CourierError('invalid_input', `${what[0]!.toUpperCase()}${what.slice(1)} ${path} does not exist (looked in ${resolve(path)}). Check the path.`);
}

/** A file to write (`-o FILE`): not a folder, and its folder must be there. */
export function checkOutputFile(path: string, flag: string): void {
  if (kindOf(path) === 'folder')
    throw new CourierError('invalid_input', `${flag} ${path} is a folder: give the path of a file to write, e.g. ${join(path, 'template.json')}.`);
  const parent = dirname(resolve(path));
  const kind = kindOf(parent);
  if (kind === 'missing')
    throw new CourierError('invalid_input', `${flag} ${path}: the folder ${parent} does not exist. Create it first, or write somewhere else.`);
  if (kind !== 'folder') throw new CourierError('invalid_input', `${flag} ${path}: ${parent} is a file, not a folder. Give a path inside a folder.`);
}

/** A folder to write into (`-o DIR`): it may be created, but it cannot be a file or lie under one. */
export function checkOutputDir(path: string, flag: string): void {
  const kind = kindOf(path);
  if (kind === 'folder') return;
  if (kind !== 'missing')
    throw new CourierError('invalid_input', `${flag} ${path} is a file, not a folder. Give a folder to write into (it is created if missing).`);
  for (let p = dirname(resolve(path)); p !== dirname(p); p = dirname(p)) {
    const k = kindOf(p);
    if (k === 'missing') continue;
    if (k === 'folder') return;
    throw new CourierError('invalid_input', `${flag} ${path} cannot be created: ${p} is a file, not a folder. Give another folder.`);
  }
}

/** The data folder may not exist yet (it is created), but it cannot be a file or lie under one. */
export function checkDataFolder(dir: string): void {
  const kind = kindOf(dir);
  if (kind === 'folder' || kind === 'missing') {
    if (kind === 'missing') checkDataFolderParent(dir);
    return;
  }
  throw new CourierError(
    'invalid_input',
    `--data ${dir} is a file, not a folder. Give a folder for Courier's data (it is created if missing), or leave --data out to use the per-user one.`,
  );
}

function checkDataFolderParent(dir: string): void {
  for (let p = dirname(resolve(dir)); p !== dirname(p); p = dirname(p)) {
    const kind = kindOf(p);
    if (kind === 'missing') continue;
    if (kind === 'folder') return;
    throw new CourierError(
      'invalid_input',
      `--data ${dir} cannot be created: ${p} is a file, not a folder. Give a folder path for Courier's data, or leave --data out to use the per-user one.`,
    );
  }
}

/** Any other file-system error that reaches the top, in words (used by the error reporter). */
export function describeFsError(e: unknown): string | null {
  const err = e as NodeJS.ErrnoException;
  if (!err || typeof err !== 'object' || typeof err.code !== 'string' || !err.syscall) return null;
  const where = err.path ? ` ${err.path}` : '';
  switch (err.code) {
    case 'EISDIR':
      return `${where.trim() || 'The path'} is a folder, but a file is needed here. Give the path of a file.`;
    case 'ENOTDIR':
      return `Part of the path${where} is a file where a folder is needed. Check the folder paths you gave (--data, -o, a download folder).`;
    case 'ENOENT':
      return `${where.trim() || 'A file'} does not exist. Check the path.`;
    case 'EACCES':
    case 'EPERM':
      return `No permission to use${where}. Check its owner and permissions, or choose another location.`;
    case 'ENOSPC':
      return `The disk is full${where ? ` (writing${where})` : ''}. Free some space and try again.`;
    default:
      return null;
  }
}
