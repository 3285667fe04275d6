import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { HashPool } from '../../../sandbox/s3/hash-pool';

const pool = new HashPool(2);
afterAll(() => pool.close());

/** Streams `data` through a tap in uneven chunks and returns what came out plus the digests. */
async function run(data: Buffer, algos: string[]): Promise<{ out: Buffer; digests: Record<string, string> }> {
  const pieces: Buffer[] = [];
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = [1, 65536, 3_000_001, 17, 1 << 20][i % 5]!;
    pieces.push(data.subarray(off, off + n));
    off += n;
  }
  const tap = pool.tap(algos);
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), tap, new Writable({ write: (c: Buffer, _e, cb) => (out.push(c), cb()) }));
  return { out: Buffer.concat(out), digests: tap.digests };
}

describe('HashPool worker taps', () => {
  it('pass bytes through unchanged and hash them right, across ring wrap-arounds', async () => {
    const data = randomBytes(21 * (1 << 20) + 12_345); // more than two 8 MiB rings
    const [a, b] = await Promise.all([run(data, ['md5', 'sha256', 'crc32']), run(data.subarray(5), ['md5'])]);
    expect(a.out.equals(data)).toBe(true);
    expect(a.digests['md5']).toBe(createHash('md5').update(data).digest('base64'));
    expect(a.digests['sha256']).toBe(createHash('sha256').update(data).digest('base64'));
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(data) >>> 0);
    expect(a.digests['crc32']).toBe(crc.toString('base64'));
    expect(b.digests['md5']).toBe(createHash('md5').update(data.subarray(5)).digest('base64'));
  });

  it('hashes an empty body', async () => {
    expect((await run(Buffer.alloc(0), ['md5'])).digests['md5']).toBe(createHash('md5').digest('base64'));
  });
});
