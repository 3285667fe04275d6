import { createHash, createHmac } from 'node:crypto';

// A minimal SigV4 signer for requests the SDKs will not produce (signed aws-chunked bodies,
// deliberately broken chunk signatures). Normal requests in these tests use the AWS SDK.

const sha = (d: string | Buffer) => createHash('sha256').update(d).digest('hex');
const hmac = (k: Buffer | string, d: string) => createHmac('sha256', k).update(d).digest();

export interface SignInput {
  method: string;
  url: URL;
  headers: Record<string, string>;
  payloadHash: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  date?: Date;
}

export interface Signed {
  headers: Record<string, string>;
  signature: string;
  signingKey: Buffer;
  amzDate: string;
  scope: string;
}

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function sign(i: SignInput): Signed {
  const amzDate = (i.date ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${i.region}/s3/aws4_request`;
  const headers: Record<string, string> = {
    ...i.headers,
    host: i.url.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': i.payloadHash,
    ...(i.sessionToken ? { 'x-amz-security-token': i.sessionToken } : {}),
  };
  const names = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const query = [...i.url.searchParams.entries()]
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .sort()
    .join('&');
  const canonical = [i.method, i.url.pathname, query, names.map((n) => `${n}:${lower[n]}\n`).join(''), names.join(';'), i.payloadHash].join('\n');
  const sts = ['AWS4-HMAC-SHA256', amzDate, scope, sha(canonical)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${i.secretAccessKey}`, day), i.region), 's3'), 'aws4_request');
  const signature = hmac(signingKey, sts).toString('hex');
  headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${i.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return { headers, signature, signingKey, amzDate, scope };
}

/** Frames `data` as STREAMING-AWS4-HMAC-SHA256-PAYLOAD chunks, each signed over the previous signature. */
export function signedChunks(data: Buffer, chunkSize: number, s: Signed, corruptChunk = -1): Buffer {
  const out: Buffer[] = [];
  let prev = s.signature;
  const pieces: Buffer[] = [];
  for (let off = 0; off < data.length; off += chunkSize) pieces.push(data.subarray(off, off + chunkSize));
  pieces.push(Buffer.alloc(0));
  pieces.forEach((piece, idx) => {
    const sts = ['AWS4-HMAC-SHA256-PAYLOAD', s.amzDate, s.scope, prev, sha(''), sha(piece)].join('\n');
    let sig = hmac(s.signingKey, sts).toString('hex');
    prev = sig;
    if (idx === corruptChunk) sig = sig.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    out.push(Buffer.from(`${piece.length.toString(16)};chunk-signature=${sig}\r\n`), piece, Buffer.from('\r\n'));
  });
  return Buffer.concat(out);
}
