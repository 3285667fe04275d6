import * as AzureBlob from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { azureOp } from '../../../sandbox/azure/proxy';
import { SasIssuer } from '../../../sandbox/azure/sas';

const sigOf = (token: string) => new URLSearchParams(token).get('sig')!;

describe('SasIssuer', () => {
  it('a token issued in the same second as a revoked one is a different, live token', () => {
    const sas = new SasIssuer(AzureBlob, 'box', 900_000, 'user/u/');
    const t = Date.UTC(2026, 0, 1, 12, 0, 0, 100);
    const before = sas.issue(undefined, t);
    expect(sas.issue(undefined, t + 500).token).toBe(before.token); // same second, same scope: the same credential
    expect(sas.revokeAll(t + 600)).toBe(1);
    const after = sas.issue(undefined, t + 700);
    expect(after.token).not.toBe(before.token);
    expect(sas.isRevoked(sigOf(before.token))).toBe(true);
    expect(sas.isRevoked(sigOf(after.token))).toBe(false);
    expect(after.expiresAt).toBe(Date.UTC(2026, 0, 1, 12, 15, 0));
  });

  it('container and blob tokens', () => {
    const sas = new SasIssuer(AzureBlob, 'box', 60_000, 'user/u/');
    const c = new URLSearchParams(sas.issue().token);
    expect([c.get('sr'), c.get('sp')]).toEqual(['c', 'racwdl']);
    expect(sas.isContainerToken(c.get('sig')!)).toBe(true);
    const b = new URLSearchParams(sas.issue('user/a.bin').token);
    expect([b.get('sr'), b.get('sp')]).toEqual(['b', 'racwd']);
    expect(sas.isContainerToken(b.get('sig')!)).toBe(false);
  });
});

describe('azureOp', () => {
  const op = (method: string, url: string, headers: Record<string, string> = {}) => {
    const u = new URL(url, 'http://x');
    const segs = u.pathname.split('/').slice(1);
    return azureOp(
      method,
      { path: u.pathname, container: segs[1] ?? '', blob: segs.slice(2).join('/'), query: u.searchParams, rawQuery: u.search.slice(1) },
      headers,
    );
  };
  it.each([
    ['PUT', '/acct/box/a/b.bin?comp=block&blockid=QQ%3D%3D', 'PutBlock'],
    ['PUT', '/acct/box/a/b.bin?comp=blocklist', 'PutBlockList'],
    ['GET', '/acct/box/a/b.bin?comp=blocklist&blocklisttype=uncommitted', 'GetBlockList'],
    ['GET', '/acct/box/a/b.bin', 'GetBlob'],
    ['HEAD', '/acct/box/a/b.bin', 'GetBlobProperties'],
    ['PUT', '/acct/box/a/b.bin', 'PutBlob'],
    ['DELETE', '/acct/box/a/b.bin', 'DeleteBlob'],
    ['PUT', '/acct/box/a/b.bin?comp=metadata', 'SetBlobMetadata'],
    ['PUT', '/acct/box?restype=container', 'CreateContainer'],
    ['GET', '/acct/box?restype=container&comp=list&prefix=a/', 'ListBlobs'],
    ['GET', '/acct?comp=list', 'ListContainers'],
  ])('%s %s → %s', (method, url, expected) => {
    expect(op(method, url)).toBe(expected);
  });
  it('copy sources', () => {
    expect(op('PUT', '/acct/box/b?comp=block&blockid=QQ', { 'x-ms-copy-source': 'http://s' })).toBe('PutBlockFromURL');
    expect(op('PUT', '/acct/box/b', { 'x-ms-copy-source': 'http://s' })).toBe('CopyBlob');
  });
});
