import { createWriteStream, mkdirSync, realpathSync, unlinkSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { stagingDir } from '../core/handlers/transfers';

const batchRe = /^[A-Za-z0-9_-]{8,64}$/;
// Separators, Windows-reserved and control characters never make a good file name.
const badChar = (c: string) => c.charCodeAt(0) < 32 || '<>:"|?*\\/'.includes(c);
const badSegment = (s: string) => s === '' || s === '.' || s === '..' || s.length > 255 || [...s].some(badChar);

export type StagedTarget = { ok: true; batch: string; target: string } | { ok: false; status: number; message: string };

const refusal = (message: string): StagedTarget => ({ ok: false, status: 400, message });
const OUTSIDE = 'A dropped file name points outside its staging folder; rename it and try again.';

/**
 * Maps `/staging/<batch>/<relative path>` to a file inside that batch's staging folder, or a
 * refusal. Each segment is decoded on its own and then checked (so `%2F..%2F` cannot smuggle a
 * separator or a `..` past the checks), and the joined result must still lie inside the batch
 * folder: containment is checked on the resolved path, not only on the text.
 */
export function stagedTarget(dataDir: string, pathname: string): StagedTarget {
  let parts: string[];
  try {
    parts = pathname
      .split('/')
      .slice(2)
      .map((p) => decodeURIComponent(p));
  } catch {
    return refusal('A dropped file name is not valid percent-encoding (URL-encode each path segment as UTF-8).');
  }
  const [batch, ...rel] = parts;
  if (!batch || !batchRe.test(batch)) return refusal('The staging batch id must be 8-64 letters, digits, _ or -.');
  if (rel.length === 0 || rel.some(badSegment)) return refusal('A dropped file has a name Courier cannot store; rename it and try again.');
  const root = resolve(stagingDir(dataDir, batch));
  const target = resolve(root, ...rel);
  if (!within(root, target)) return refusal(OUTSIDE);
  return { ok: true, batch, target };
}

/** True when `target` is strictly inside `root` (path.relative, not a string prefix). */
function within(root: string, target: string): boolean {
  const inside = relative(root, target);
  return inside !== '' && inside !== '..' && !inside.startsWith('..' + sep) && !isAbsolute(inside);
}

/** After the folders exist: a link planted inside the batch folder must not lead out of it either. */
function realFolderInside(root: string, target: string): boolean {
  const folder = realpathSync(dirname(target));
  const realRoot = realpathSync(root);
  return folder === realRoot || within(realRoot, folder);
}

/** A half-written staged file must not be uploaded later as if it were whole. */
function removePartial(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Never created, or a folder stands there (EISDIR): nothing of ours to remove.
  }
}

function answer(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text + '\n');
}

/**
 * PUT /staging/<batch>/<relative path>: the browser's drag and drop. A browser cannot hand us
 * file paths, so the bytes of dropped files are streamed here (never buffered) into the data
 * folder, then uploaded from there like any local file and removed afterwards. Never rejects:
 * every failure becomes an answer to this one request, and a partly written file is removed.
 */
export async function receiveStagedFile(req: IncomingMessage, res: ServerResponse, dataDir: string, pathname: string): Promise<void> {
  const where = stagedTarget(dataDir, pathname);
  if (!where.ok) {
    req.resume(); // drain the body so the connection can answer
    return answer(res, where.status, where.message);
  }
  let started = false;
  try {
    mkdirSync(dirname(where.target), { recursive: true, mode: 0o700 });
    if (!realFolderInside(stagingDir(dataDir, where.batch), where.target)) {
      req.resume();
      return answer(res, 400, OUTSIDE);
    }
    started = true;
    await pipeline(req, createWriteStream(where.target, { mode: 0o600, highWaterMark: 4 << 20 }));
  } catch (e) {
    if (started) removePartial(where.target);
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    // A name that clashes with a folder (or a file standing where a folder must go) is the sender's mistake.
    if (['EISDIR', 'ENOTDIR', 'EEXIST'].includes(code))
      return answer(res, 409, `A dropped file clashes with another dropped item of the same name (${code}); drop it again in a fresh batch.`);
    return answer(res, 507, `Could not store the dropped file (${code}).`);
  }
  answer(res, 201, 'ok');
}
