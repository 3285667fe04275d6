import { createWriteStream, mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { stagingDir } from '../core/handlers/transfers';

const batchRe = /^[A-Za-z0-9_-]{8,64}$/;
// Windows-reserved and control characters never make a good file name.
const badSegment = (s: string) => s === '' || s === '.' || s === '..' || [...s].some((c) => c.charCodeAt(0) < 32 || '<>:"|?*\\'.includes(c)) || s.length > 255;

/**
 * PUT /staging/<batch>/<relative path>: the browser's drag and drop. A browser cannot hand us
 * file paths, so the bytes of dropped files are streamed here (never buffered) into the data
 * folder, then uploaded from there like any local file and removed afterwards.
 */
export async function receiveStagedFile(req: IncomingMessage, res: ServerResponse, dataDir: string, path: string): Promise<void> {
  const parts = path.split('/').slice(2).map((p) => decodeURIComponent(p));
  const [batch, ...rel] = parts;
  if (!batch || !batchRe.test(batch) || rel.length === 0 || rel.some(badSegment)) {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
    return void res.end('A dropped file has a name Courier cannot store; rename it and try again.\n');
  }
  const target = join(stagingDir(dataDir, batch), ...rel);
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  try {
    await pipeline(req, createWriteStream(target, { mode: 0o600, highWaterMark: 4 << 20 }));
  } catch (e) {
    res.writeHead(507, { 'Content-Type': 'text/plain; charset=utf-8' });
    return void res.end(`Could not store the dropped file (${(e as NodeJS.ErrnoException).code ?? 'error'}).\n`);
  }
  res.writeHead(201, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('ok\n');
}
