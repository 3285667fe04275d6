import { createHash, randomBytes, randomFillSync } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

// Random bytes are drawn from a pooled block: the sandbox makes several ids per request, and
// one randomBytes() call each cost ~50 µs of its CPU (profiled, 2,000-file upload).
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomByte(): number {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++] as number;
}

/** Unbiased random string over `alphabet` (rejection sampling on random bytes). */
export function randomString(len: number, alphabet: string = ALNUM): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < len) {
    const b = randomByte();
    if (b < limit) out += alphabet[b % alphabet.length];
  }
  return out;
}

/** Short case-sensitive alphanumeric id like the platform's (`XkpTse`, `OsKBd`). */
export function shortId(len = 6): string {
  return randomString(len, ALNUM);
}

/** Stable id derived from a seed: status entries must keep their id across restarts. */
export function stableId(seed: string, len = 5): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; out.length < len; i++) out += ALNUM[digest[i % digest.length]! % ALNUM.length];
  return out;
}

/** STS-style temporary access key id (AWS prefixes session keys with ASIA). */
export function sessionAccessKeyId(): string {
  return `ASIA${randomString(16, UPPER_NUM)}`;
}

export function staticAccessKeyId(): string {
  return `AKIA${randomString(16, UPPER_NUM)}`;
}

export function secretKey(): string {
  return randomBytes(30).toString('base64').replace(/[+/=]/g, 'x').slice(0, 40);
}

export function hexToken(bytes = 16): string {
  let out = '';
  for (let i = 0; i < bytes; i++) out += HEX[randomByte()];
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Ids that may reach the file system or a URL path segment. */
export function isSafeId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id);
}
