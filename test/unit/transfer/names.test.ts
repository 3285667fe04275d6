import { describe, expect, it } from 'vitest';
import { checkRelativePath, checkSegment, keepBothName, safeJoin } from '../../../main/core/transfer/names';

const code = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('names from the server', () => {
  it.each(['a/b', 'a\\b', '..', '.', '', 'x\u0000y', 'bell\u0007', 'CON', 'con.txt', 'LPT1', 'nul.tar.gz', 'COM9.log'])('refuses %j', (n) => {
    expect(code(() => checkSegment(n, 'linux'))).toBe('invalid_name');
  });

  it.each(['report.pdf', 'データ ファイル ü.bin', '.hidden', 'a..b', 'console.log', 'CONFIG', 'a:b'])('accepts %j on Linux', (n) => {
    expect(code(() => checkSegment(n, 'linux'))).toBeUndefined();
  });

  it('applies the Windows character rules on Windows', () => {
    expect(code(() => checkSegment('a:b', 'win32'))).toBe('invalid_name');
    expect(code(() => checkSegment('trailing.', 'win32'))).toBe('invalid_name');
    expect(code(() => checkSegment('fine.txt', 'win32'))).toBeUndefined();
  });

  it('flags names too long for a file system', () => {
    expect(code(() => checkSegment('ü'.repeat(200), 'linux'))).toBe('path_too_long');
  });

  it('checks relative paths segment by segment and keeps them inside the target', () => {
    expect(checkRelativePath('run1/out/a.txt', 'linux')).toEqual(['run1', 'out', 'a.txt']);
    expect(code(() => checkRelativePath('run1/../../etc/passwd', 'linux'))).toBe('invalid_name');
    expect(safeJoin('/tmp/t', ['a', 'b.txt'])).toBe('/tmp/t/a/b.txt');
  });

  it('names the copies of keepBoth "name (n).ext"', () => {
    expect(keepBothName('a.txt', 1)).toBe('a (1).txt');
    expect(keepBothName('archive.tar.gz', 2)).toBe('archive (2).tar.gz');
    expect(keepBothName('README', 1)).toBe('README (1)');
    expect(keepBothName('.bashrc', 1)).toBe('.bashrc (1)');
  });
});
