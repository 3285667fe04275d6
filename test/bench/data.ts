// Benchmark inputs, made once and reused (bench/data is git-ignored).
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, stat, writeFile } from 'node:fs/promises';

export async function ensureBig(path: string, size: number): Promise<string> {
  const st = await stat(path).catch(() => null);
  if (st?.size === size) return path;
  process.stderr.write(`making ${path} (${size} bytes)\n`);
  await mkdir(new URL('.', `file://${path}`).pathname, { recursive: true });
  const fh = await open(path, 'w');
  try {
    const chunk = 8 << 20;
    for (let off = 0; off < size; off += chunk) await fh.write(randomBytes(Math.min(chunk, size - off)), 0, Math.min(chunk, size - off), off);
  } finally {
    await fh.close();
  }
  return path;
}

export async function ensureSmall(dir: string, count: number, size: number): Promise<string> {
  const have = await readdir(dir).catch(() => [] as string[]);
  if (have.length === count) return dir;
  process.stderr.write(`making ${count} files of ${size} bytes in ${dir}\n`);
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i++) await writeFile(`${dir}/f${String(i).padStart(5, '0')}.bin`, randomBytes(size));
  return dir;
}
