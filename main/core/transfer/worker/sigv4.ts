// SigV4 header signing for the S3 requests the engine sends: the signature aws4 computes for
// them, in fewer steps. A transfer thread signs one request per small file, too few calls for V8
// to optimise the signer, so every step runs unoptimised; aws4's are many (it is general: any
// service, host parsing, query signing, path normalising, a date string and an LRU key built per
// request), and in a perf profile of 2,000 small downloads it was 11 % of the transfer thread's
// CPU. Here the date string is made once per second and the signing key once per day and region.
import { createHash, createHmac } from 'node:crypto';
import { enc } from './s3-target';

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigV4Request {
  method: string;
  /** host[:port], as in the URL */
  host: string;
  /** The path, each segment already encoded with enc() (s3Target), without the query. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  region: string;
  service: string;
}

/** Headers that proxies or clients may change on the way: never signed (aws4's list). */
const UNSIGNED = new Set(['authorization', 'connection', 'x-amzn-trace-id', 'user-agent', 'expect', 'presigned-expires', 'range']);
/** The payload hash of an empty body; sent (and signed) when the caller names none, as aws4 does for S3. */
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

let stampSecond = -1;
let stamp = '';
/** 'YYYYMMDDTHHMMSSZ': one string for every request in the same second. */
function amzDate(nowMs: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== stampSecond) {
    stampSecond = second;
    stamp = new Date(second * 1000).toISOString().replace(/[:-]|\.\d{3}/g, '');
  }
  return stamp;
}

let lastKey: { id: string; key: Buffer } | null = null;
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${date}/${region}/${service}/${secret}`;
  if (lastKey?.id === id) return lastKey.key;
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  lastKey = { id, key: createHmac('sha256', kService).update('aws4_request').digest() };
  return lastKey.key;
}

/**
 * The canonical URI as aws4 makes it for S3: each segment decoded, then RFC 3986-encoded. The
 * segments of an object's path are enc()-encoded already (s3Target), so a path of unreserved
 * characters and '/' only is its own canonical form.
 */
function canonicalPath(path: string): string {
  if (/^[A-Za-z0-9\-._~/]*$/.test(path)) return path;
  const p = path
    .split('/')
    .map((piece) => enc(decodeURIComponent(piece.replace(/\+/g, ' '))))
    .join('/');
  return (p.startsWith('/') ? p : `/${p}`).replace(/%2F/g, '/');
}

/**
 * The query string as SigV4 signs it (RFC 3986-encoded, sorted by encoded name). The request's URL
 * carries the same string, so what is sent is what was signed.
 */
export function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .filter((k) => k !== '')
    .map((k) => `${enc(k)}=${enc(query[k] ?? '')}`)
    .sort((a, b) => {
      const ka = a.slice(0, a.indexOf('='));
      const kb = b.slice(0, b.indexOf('='));
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    })
    .join('&');
}

/**
 * The request's headers plus Host, X-Amz-Date, X-Amz-Security-Token (with a session token) and
 * Authorization. `nowMs` is for tests.
 */
export function signV4(req: SigV4Request, creds: SigV4Credentials, nowMs = Date.now()): Record<string, string> {
  return signV4Query(req, canonicalQuery(req.query), creds, nowMs);
}

/** signV4 for a caller that built the query string already (canonicalQuery), to put it in its URL too. */
export function signV4Query(req: Omit<SigV4Request, 'query'>, query: string, creds: SigV4Credentials, nowMs = Date.now()): Record<string, string> {
  const datetime = amzDate(nowMs);
  const date = datetime.slice(0, 8);
  const out: Record<string, string> = Object.assign({}, req.headers);
  out.Host = req.host;
  out['X-Amz-Date'] = datetime;
  if (creds.sessionToken) out['X-Amz-Security-Token'] = creds.sessionToken;
  if (out['x-amz-content-sha256'] === undefined && out['X-Amz-Content-Sha256'] === undefined) out['X-Amz-Content-Sha256'] = EMPTY_SHA256;
  const signed: string[] = [];
  const values = new Map<string, string>();
  for (const k of Object.keys(out)) {
    const lower = k.toLowerCase();
    if (UNSIGNED.has(lower)) continue;
    signed.push(lower);
    values.set(lower, String(out[k]).trim().replace(/\s+/g, ' '));
  }
  signed.sort();
  let headerLines = '';
  for (const k of signed) headerLines += `${k}:${values.get(k) ?? ''}\n`;
  const signedHeaders = signed.join(';');
  const payload = values.get('x-amz-content-sha256') ?? EMPTY_SHA256;
  const canonical = `${req.method}\n${canonicalPath(req.path)}\n${query}\n${headerLines}\n${signedHeaders}\n${payload}`;
  const scope = `${date}/${req.region}/${req.service}/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${datetime}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const signature = createHmac('sha256', signingKey(creds.secretAccessKey, date, req.region, req.service))
    .update(toSign)
    .digest('hex');
  out.Authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return out;
}
