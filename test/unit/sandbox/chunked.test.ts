import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder } from '../../../sandbox/s3/chunked';
import { signingKey } from '../../../sandbox/s3/sigv4';

// The worked example from AWS's "Transferring payload in multiple chunks" documentation.
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const SIGS = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];

function awsExample(sigs = SIGS): Buffer {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`),
    Buffer.alloc(65536, 'a'),
    Buffer.from('\r\n'),
    Buffer.from(`400;chunk-signature=${sigs[1]}\r\n`),
    Buffer.alloc(1024, 'a'),
    Buffer.from('\r\n'),
    Buffer.from(`0;chunk-signature=${sigs[2]}\r\n\r\n`),
  ]);
}

function signed(): AwsChunkedDecoder {
  return new AwsChunkedDecoder({
    key: signingKey(SECRET, '20130524', 'us-east-1', 's3'),
    amzDate: '20130524T000000Z',
    scope: '20130524/us-east-1/s3/aws4_request',
    seedSignature: SEED,
  });
}

/** Feeds `body` in pieces of `step` bytes (to cross every boundary) and collects the output. */
async function decode(d: AwsChunkedDecoder, body: Buffer, step: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < body.length; i += step) pieces.push(body.subarray(i, i + step));
  const out: Buffer[] = [];
  for await (const c of Readable.from(pieces).pipe(d)) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe('AwsChunkedDecoder', () => {
  it('verifies the AWS documentation example and yields only the payload', async () => {
    for (const step of [1 << 20, 7, 65537]) {
      const out = await decode(signed(), awsExample(), step);
      expect(out.equals(Buffer.alloc(66560, 'a'))).toBe(true);
    }
  });

  it('rejects a wrong chunk signature', async () => {
    const bad = [...SIGS];
    bad[1] = bad[1]!.replace('0055', '0056');
    await expect(decode(signed(), awsExample(bad), 4096)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('decodes unsigned chunks with a checksum trailer', async () => {
    const d = new AwsChunkedDecoder(null);
    const body = Buffer.from('5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n');
    const out = await decode(d, body, 3);
    expect(out.toString()).toBe('hello world');
    expect(d.trailers.get('x-amz-checksum-crc32')).toBe('DUoRhQ==');
  });

  it('refuses truncated or malformed framing', async () => {
    await expect(decode(new AwsChunkedDecoder(null), Buffer.from('5\r\nhel'), 2)).rejects.toMatchObject({ code: 'IncompleteBody' });
    await expect(decode(new AwsChunkedDecoder(null), Buffer.from('zz\r\nhello\r\n'), 4)).rejects.toMatchObject({ code: 'IncompleteBody' });
  });
});
