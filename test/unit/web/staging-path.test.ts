import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stagedTarget } from '../../../main/web/staging';

// Where a staging PUT may write: decoded segment by segment, then checked as a resolved path.
const dataDir = resolve('/data/courier');
const batchDir = join(dataDir, 'staging', 'batch1234');

describe('stagedTarget', () => {
  test.each([
    ['/staging/batch1234/a.txt', 'a.txt'],
    ['/staging/batch1234/sub/dir/b.bin', join('sub', 'dir', 'b.bin')],
    ['/staging/batch1234/%E6%97%A5%E6%9C%AC.txt', '日本.txt'],
    ['/staging/batch1234/with%20space%25.txt', 'with space%.txt'],
    ['/staging/batch1234/..hidden', '..hidden'],
  ])('%s lands inside the batch folder', (path, rel) => {
    expect(stagedTarget(dataDir, path)).toEqual({ ok: true, batch: 'batch1234', target: join(batchDir, rel) });
  });

  test.each([
    ['/staging/batch1234/%E0%A4%A', /percent-encoding/],
    ['/staging/batch1234/x%2F..%2F..%2F..%2F..%2Fvictim.txt', /cannot store/],
    ['/staging/batch1234/..', /cannot store/],
    ['/staging/batch1234/%2E%2E/x', /cannot store/],
    ['/staging/batch1234/.', /cannot store/],
    ['/staging/batch1234/a/../../x', /cannot store/],
    ['/staging/batch1234/..%5Cx', /cannot store/],
    ['/staging/batch1234/a%00b', /cannot store/],
    ['/staging/batch1234/a%0Ab', /cannot store/],
    ['/staging/batch1234/%2Fetc%2Fpasswd', /cannot store/],
    ['/staging/batch1234/C%3A%5Cx', /cannot store/],
    ['/staging/batch1234/', /cannot store/],
    ['/staging/batch1234//x', /cannot store/],
    ['/staging/batch1234', /cannot store/],
    [`/staging/batch1234/${'a'.repeat(256)}`, /cannot store/],
    ['/staging/../x', /batch id/],
    ['/staging/short/x', /batch id/],
    ['/staging/batch%2F..%2F..%2Fx/y', /batch id/],
  ])('%s is refused (%s)', (path, why) => {
    const r = stagedTarget(dataDir, path);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.status).toBe(400);
      expect(r.message).toMatch(why);
    }
  });
});
