// Names that come from the server are untrusted input: a file called "../../.bashrc", "a/b",
// "CON" or one containing NUL must never become a path on disk. Names are checked as single
// path segments; relative paths segment by segment, and the result must stay inside the target.
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { fail } from './errors';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const WINDOWS_FORBIDDEN = /[<>:"|?*]/;
const MAX_NAME_BYTES = 255;

/** Throws an `invalid_name` / `path_too_long` error unless `name` is one safe path segment. */
export function checkSegment(name: string, platform: NodeJS.Platform = process.platform): void {
  const show = JSON.stringify(name);
  if (name.length === 0) throw fail('invalid_name', 'The server sent an empty file name');
  if (name === '.' || name === '..') throw fail('invalid_name', `Refusing the file name ${show}: it would leave the target folder`);
  if (name.includes('/') || name.includes('\\')) throw fail('invalid_name', `Refusing the file name ${show}: it contains a path separator`);
  if (CONTROL.test(name)) throw fail('invalid_name', `Refusing the file name ${show}: it contains a NUL or control character`);
  if (WINDOWS_RESERVED.test(name)) throw fail('invalid_name', `Refusing the file name ${show}: it is a reserved device name on Windows`);
  if (platform === 'win32' && (WINDOWS_FORBIDDEN.test(name) || /[. ]$/.test(name))) {
    throw fail('invalid_name', `Refusing the file name ${show}: Windows does not allow it`);
  }
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw fail('path_too_long', `The file name is longer than ${MAX_NAME_BYTES} bytes: ${name.slice(0, 40)}…`);
}

/** Splits a server-provided relative path ("a/b/c.txt" or "a\\b") into checked segments. */
export function checkRelativePath(rel: string, platform: NodeJS.Platform = process.platform): string[] {
  const segs = rel.split(/[/\\]+/).filter((s) => s.length > 0);
  for (const s of segs) checkSegment(s, platform);
  return segs;
}

/** Joins checked segments under `dir` and proves the result is inside it. */
export function safeJoin(dir: string, segs: string[]): string {
  const root = resolve(dir);
  const p = resolve(root, ...segs);
  const rel = relative(root, p);
  if (rel.startsWith('..') || rel.includes(`..${sep}`) || resolve(root, rel) !== p) throw fail('invalid_name', `Refusing a path outside ${root}`);
  return p;
}

/** "name (n).ext" — the keepBoth naming, with the extension preserved (".tar.gz" counts as one). */
export function keepBothName(name: string, n: number): string {
  const ext = name.endsWith('.tar.gz') ? '.tar.gz' : extname(name);
  const stem = ext && ext !== name ? name.slice(0, name.length - ext.length) : name;
  return `${stem} (${n})${ext && ext !== name ? ext : ''}`;
}

export function keepBothPath(path: string, n: number): string {
  return join(resolve(path, '..'), keepBothName(basename(path), n));
}
