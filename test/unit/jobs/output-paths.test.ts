// Where outputs land is decided by the person, never by the platform: job ids and file paths
// from the platform are checked, and the resolved path must stay inside the chosen folder.
import { join, resolve, sep } from 'node:path';
import { describe, expect, test } from 'vitest';
import { containedOutputs, jobFolder } from '../../../main/core/jobs/outputs';
import { containedPath, isInside } from '../../../main/core/security/contained-path';

const root = resolve('/home/u/Downloads/Courier');

describe('the job folder', () => {
  test('a platform id gives <root>/rescale_job_<id>', () => {
    expect(jobFolder(root, 'OsKBd')).toBe(join(root, 'rescale_job_OsKBd'));
  });

  test.each(['x/../../JOBESC', '../JOBESC', 'a\\..\\..\\b', '', 'OsK Bd', '..'])('the id %j is refused with a clear error', (id) => {
    expect(() => jobFolder(root, id)).toThrow(/is not a Rescale job id \(letters and digits only\), so no folder is made for it/);
  });
});

describe('the containment check on resolved paths', () => {
  test.each([
    ['a.txt', true],
    ['airFoil2D/system/fvSchemes', true],
    ['a/../b.txt', true],
    ['../b.txt', false],
    ['a/../../b.txt', false],
    ['/etc/passwd', false],
    ['', false],
    ['.', false],
  ])('%j inside the root: %s', (rel, ok) => {
    if (ok) expect(containedPath(root, rel).startsWith(root + sep)).toBe(true);
    else expect(() => containedPath(root, rel)).toThrow(/would land outside .*, the folder you chose/);
  });

  test('a sibling folder sharing the prefix is not inside', () => {
    expect(isInside(root, `${root}-evil/x`)).toBe(false);
    expect(isInside(root, join(root, 'x'))).toBe(true);
  });

  test('outputs whose relative path leaves the job folder are refused, the others kept', () => {
    const dir = jobFolder(root, 'OsKBd');
    const files = [
      { name: 'fvSchemes', relativePath: 'airFoil2D/system/fvSchemes' },
      { name: 'ESC.log', relativePath: '../../ESC.log' },
      { name: '../up.txt', relativePath: null },
      { name: 'process_output.log' },
    ];
    const { safe, refused } = containedOutputs(files, dir);
    expect(safe.map((f) => f.name)).toEqual(['fvSchemes', 'process_output.log']);
    expect(refused).toEqual(['../../ESC.log', '../up.txt']);
  });
});
