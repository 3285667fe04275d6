// sigv4.ts replaced aws4 in the transfer threads (it does less per request): for every shape of
// request the engine sends, it must give exactly the headers aws4 gave. (The integration tests
// check that the sandbox, which verifies SigV4, accepts them.)
import aws4 from 'aws4';
import { describe, expect, it } from 'vitest';
import { signV4, type SigV4Credentials, type SigV4Request } from '../../../main/core/transfer/worker/sigv4';
import { enc } from '../../../main/core/transfer/worker/s3-target';

const creds: SigV4Credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const NOW = Date.UTC(2026, 11, 6, 17, 4, 5, 678);

/** How s3-direct.ts signed before: the query as a sorted string on the path, the date of `nowMs`. */
function viaAws4(r: SigV4Request, c: SigV4Credentials, nowMs = NOW): Record<string, string> {
  const qs = Object.keys(r.query)
    .sort()
    .map((k) => `${enc(k)}=${enc(r.query[k] ?? '')}`)
    .join('&');
  const dated = { ...r.headers, 'X-Amz-Date': new Date(nowMs).toISOString().replace(/[:-]|\.\d{3}/g, '') };
  const s = aws4.sign({ host: r.host, path: `${r.path}${qs ? `?${qs}` : ''}`, method: r.method, service: r.service, region: r.region, headers: dated }, c);
  return s.headers as Record<string, string>;
}

const base: SigV4Request = {
  method: 'GET',
  host: '127.0.0.1:9000',
  path: '/bucket/a/b.bin',
  query: {},
  headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  region: 'us-east-1',
  service: 's3',
};
const key = (...segments: string[]): string => `/bucket/${segments.map(enc).join('/')}`;

describe('signV4', () => {
  const cases: [string, SigV4Request, SigV4Credentials?][] = [
    ['a plain GET', base],
    ['a ranged conditional GET (Range is not signed)', { ...base, headers: { ...base.headers, range: 'bytes=16-1048591', 'if-match': '"abc"' } }],
    [
      'a PUT with a length and metadata to normalise',
      { ...base, method: 'PUT', headers: { ...base.headers, 'content-length': '65536', 'x-amz-meta-iv': ' AAAA  B\tBBB ' } },
    ],
    ['a part upload (query sorted by encoded name)', { ...base, method: 'PUT', query: { uploadId: 'x/y+z=', partNumber: '7' } }],
    ['a multipart start (empty query value)', { ...base, method: 'POST', query: { uploads: '' } }],
    [
      'a listing with names that sort differently encoded',
      { ...base, query: { 'list-type': '2', prefix: 'a b/', 'max-keys': '1000', 'a~b': '1', 'a!b': '2' } },
    ],
    ['a key with spaces, unicode and reserved characters', { ...base, path: key('dir name', 'ä+ö(1)!*', "it's.txt", '%41') }],
    ['an empty segment', { ...base, path: '/bucket/a//b' }],
    ['a custom endpoint under a path prefix', { ...base, path: '/s3/bucket/k', host: 'storage.example.com' }],
    ['a prefix with characters to encode', { ...base, path: '/my s3/bucket/k' }],
    ['no payload hash given', { ...base, headers: {} }],
    [
      'another region, with a session token',
      { ...base, region: 'eu-west-1', host: 'b.s3.eu-west-1.amazonaws.com', path: '/k' },
      { ...creds, sessionToken: 'tok/en==' },
    ],
  ];
  it.each(cases)('gives the headers aws4 gives for %s', (_, r, c = creds) => {
    expect(signV4(r, c, NOW)).toEqual(viaAws4(r, c));
  });

  it('signs with the current second, and with a new key on a new day or with new credentials', () => {
    expect(signV4(base, creds, NOW)['X-Amz-Date']).toBe('20261206T170405Z');
    const later = NOW + 2000;
    expect(signV4(base, creds, later)).toEqual(viaAws4(base, creds, later));
    const nextDay = NOW + 86_400_000;
    expect(signV4(base, creds, nextDay)).toEqual(viaAws4(base, creds, nextDay));
    const rotated = { ...creds, secretAccessKey: 'other' };
    expect(signV4(base, rotated, nextDay)).toEqual(viaAws4(base, rotated, nextDay));
  });
});
