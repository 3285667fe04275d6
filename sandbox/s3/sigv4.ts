import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error, s3err } from './errors';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MAX_SKEW_MS = 15 * 60_000;

export interface SignedRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
}

export interface AuthParams {
  mode: 'header' | 'query';
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  scope: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  /** The payload hash that went into the canonical request. */
  payloadHash: string;
  expiresSec?: number;
  sessionToken?: string;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

const keyCache = new Map<string, Buffer>();
export function signingKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\n${shortDate}\n${region}\n${service}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, shortDate), region), service), 'aws4_request');
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** RFC 3986 encoding as SigV4 defines it (unreserved characters kept, UTF-8 bytes as %XX). */
export function uriEncode(s: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function parseQuery(rawQuery: string): [string, string][] {
  return rawQuery
    .split('&')
    .filter((p) => p.length > 0)
    .map((p) => {
      const i = p.indexOf('=');
      return i < 0 ? [safeDecode(p), ''] : [safeDecode(p.slice(0, i)), safeDecode(p.slice(i + 1))];
    });
}

function canonicalQuery(rawQuery: string, dropSignature: boolean): string {
  return parseQuery(rawQuery)
    .filter(([k]) => !(dropSignature && k === 'X-Amz-Signature'))
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  const s = Array.isArray(v) ? v.join(',') : (v ?? '');
  return s.trim().replace(/\s+/g, ' ');
}

/** Clients sign the path as they sent it; some sign a differently-escaped form, so try both. */
function canonicalUris(rawPath: string): string[] {
  const normalized = rawPath
    .split('/')
    .map((seg) => uriEncode(safeDecode(seg)))
    .join('/');
  return normalized === rawPath ? [rawPath] : [rawPath, normalized];
}

export function stringToSign(req: SignedRequest, auth: AuthParams, canonicalUri: string): string {
  const headersBlock = auth.signedHeaders.map((n) => `${n}:${headerValue(req.headers, n)}\n`).join('');
  const canonical = [
    req.method,
    canonicalUri,
    canonicalQuery(req.rawQuery, auth.mode === 'query'),
    headersBlock,
    auth.signedHeaders.join(';'),
    auth.payloadHash,
  ].join('\n');
  return ['AWS4-HMAC-SHA256', auth.amzDate, auth.scope, sha256Hex(canonical)].join('\n');
}

export function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export function verifySignature(req: SignedRequest, auth: AuthParams, secret: string): boolean {
  const key = signingKey(secret, auth.shortDate, auth.region, auth.service);
  return canonicalUris(req.rawPath).some((uri) => sameHex(hmac(key, stringToSign(req, auth, uri)).toString('hex'), auth.signature));
}

function amzDateToMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

function msToAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseCredential(cred: string, mode: 'header' | 'query') {
  const parts = cred.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    throw mode === 'header'
      ? new S3Error('AuthorizationHeaderMalformed', 'The authorization header is malformed; the Credential is mal-formed.', 400)
      : new S3Error('AuthorizationQueryParametersError', 'Error parsing the X-Amz-Credential parameter.', 400);
  }
  const [accessKeyId, shortDate, region, service] = parts as [string, string, string, string, string];
  return { accessKeyId, shortDate, region, service, scope: parts.slice(1).join('/') };
}

/** Parses SigV4 from the Authorization header or presigned query; null means anonymous. */
export function parseAuth(req: SignedRequest, now = Date.now()): AuthParams | null {
  const authz = headerValue(req.headers, 'authorization');
  if (authz) return parseHeaderAuth(req, authz, now);
  const q = new Map(parseQuery(req.rawQuery));
  if (q.has('X-Amz-Algorithm') || q.has('X-Amz-Signature')) return parseQueryAuth(req, q, now);
  if (q.has('Signature') || q.has('AWSAccessKeyId')) throw s3err.invalidRequest('Please use AWS4-HMAC-SHA256.');
  return null;
}

function parseHeaderAuth(req: SignedRequest, authz: string, now: number): AuthParams {
  if (!authz.startsWith('AWS4-HMAC-SHA256 ')) {
    throw s3err.invalidRequest('The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  }
  const fields = new Map<string, string>();
  for (const part of authz.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const i = part.indexOf('=');
    if (i > 0) fields.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  const cred = fields.get('Credential');
  const signed = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!cred || !signed || !signature) {
    throw new S3Error('AuthorizationHeaderMalformed', 'The authorization header is malformed.', 400);
  }
  const c = parseCredential(cred, 'header');
  let amzDate = headerValue(req.headers, 'x-amz-date');
  if (!amzDate) {
    const d = Date.parse(headerValue(req.headers, 'date'));
    if (Number.isNaN(d)) throw s3err.accessDenied('AWS authentication requires a valid Date or x-amz-date header');
    amzDate = msToAmzDate(d);
  }
  const t = amzDateToMs(amzDate);
  if (Number.isNaN(t)) throw s3err.accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  if (Math.abs(now - t) > MAX_SKEW_MS) {
    throw new S3Error('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', 403);
  }
  const payloadHash = headerValue(req.headers, 'x-amz-content-sha256');
  if (!payloadHash) throw s3err.invalidRequest('Missing required header for this request: x-amz-content-sha256');
  const token = headerValue(req.headers, 'x-amz-security-token');
  return {
    mode: 'header',
    ...c,
    signedHeaders: signed.split(';').map((h) => h.trim().toLowerCase()),
    signature,
    amzDate,
    payloadHash,
    ...(token ? { sessionToken: token } : {}),
  };
}

function parseQueryAuth(req: SignedRequest, q: Map<string, string>, now: number): AuthParams {
  const bad = (msg: string) => new S3Error('AuthorizationQueryParametersError', msg, 400);
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw bad('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const cred = q.get('X-Amz-Credential');
  const amzDate = q.get('X-Amz-Date') ?? '';
  const signed = q.get('X-Amz-SignedHeaders');
  const signature = q.get('X-Amz-Signature');
  const expires = Number(q.get('X-Amz-Expires'));
  if (!cred || !signed || !signature)
    throw bad(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  if (!Number.isInteger(expires) || expires < 1 || expires > 604800) throw bad('X-Amz-Expires must be between 1 and 604800 seconds');
  const t = amzDateToMs(amzDate);
  if (Number.isNaN(t)) throw bad("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (t - now > MAX_SKEW_MS) throw s3err.accessDenied('Request is not valid yet');
  if (now > t + expires * 1000) throw s3err.accessDenied('Request has expired');
  const token = q.get('X-Amz-Security-Token');
  return {
    mode: 'query',
    ...parseCredential(cred, 'query'),
    signedHeaders: signed.split(';').map((h) => h.trim().toLowerCase()),
    signature,
    amzDate,
    payloadHash: q.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
    expiresSec: expires,
    ...(token ? { sessionToken: token } : {}),
  };
}
