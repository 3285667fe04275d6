// Random bytes for the many small secrets of small files (per file: object key suffix, AES key,
// IV, and the sealing nonce), drawn from one CSPRNG fill of 4 KiB instead of one call each.
// Every randomBytes() call crosses into OpenSSL and allocates (~18 µs on a loaded 2-vCPU VM);
// four per uploaded file were ~3 % of the main thread's CPU on 2,000 files of 64 KiB. Each byte
// is handed out once, as a copy; the pool holds nothing a caller does not get a fresh copy of.
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

/** `n` cryptographically random bytes in a Buffer of their own. */
export function pooledRandomBytes(n: number): Buffer {
  if (n > POOL_BYTES) return randomBytes(n);
  if (used + n > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  const out = Buffer.allocUnsafeSlow(n); // its own memory, not Node's shared slab (a key outlives many small Buffers)
  pool.copy(out, 0, used, used + n);
  pool.fill(0, used, used + n); // what was handed out does not stay behind in the pool
  used += n;
  return out;
}
