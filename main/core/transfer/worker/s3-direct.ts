// Every S3 call the engine makes, as a plain signed HTTP request: undici for the transport
// (through the proxy and CA the user set for the API too), sigv4.ts for the SigV4 signature.
// Why not the SDK client: its per-request middleware stack costs ~2.4 ms of CPU per PutObject
// against ~0.9 ms for this path, and @smithy's signer alone ~136 µs per request against ~36 µs
// for aws4 (both measured warm on a 2-vCPU VM; sigv4.ts does less still) — most of the
// client's work for a folder of 10,000 small files. The few XML answers are parsed in s3-control.ts.
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { createDispatcher, type NetworkOptions } from '../../net/dispatcher';
import { fail } from '../errors';
import { socketGet, socketGetOptions } from './socket-get';
import type { S3Loc } from './protocol';
import { s3Target } from './s3-target';
import { canonicalQuery, signV4Query } from './sigv4';

const DIRECT: NetworkOptions = { proxy: { mode: 'none' } };
const dispatchers = new Map<string, Dispatcher>();

/** Pools kept: one per network setting, and under the OS proxy possibly one per answer it gives. */
const KEPT_DISPATCHERS = 4;

/** One keep-alive pool per network setting (a settings change brings a new one; the oldest drains). */
export function dispatcherFor(net: NetworkOptions | undefined): Dispatcher {
  const opts = net ?? DIRECT;
  const id = JSON.stringify(opts);
  let d = dispatchers.get(id);
  if (d) {
    dispatchers.delete(id); // most recently used last
  } else {
    d = createDispatcher(opts, { connections: 64 });
    for (const [oldId, old] of dispatchers) {
      if (dispatchers.size < KEPT_DISPATCHERS) break;
      dispatchers.delete(oldId);
      void old.close().catch(() => undefined); // close() lets requests in flight finish
    }
  }
  dispatchers.set(id, d);
  return d;
}

/** What S3 said when it refused: shaped like the SDK's errors so one classifier serves both. */
export class S3HttpError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(status: number, code: string, message: string) {
    super(message || `HTTP ${status}`);
    this.name = code || String(status);
    this.$metadata = { httpStatusCode: status };
  }
}

export interface S3Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/** An object's bytes as chunks, each valid until the next is asked for; destroy() stops early. */
export type BodyChunks = AsyncIterable<Buffer> & { destroy(): void };

export interface GetResponse {
  status: number;
  headers: S3Response['headers'];
  body: BodyChunks;
}

export type S3Method = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';

/**
 * Regions S3 named for buckets in region errors, per endpoint and bucket (this thread's): later
 * requests sign for them straight away, as the AWS SDKs' region cache does.
 */
const bucketRegions = new Map<string, string>();

const regionKey = (loc: S3Loc): string => `${loc.creds.endpoint ?? ''}\n${loc.bucket}`;

/** The location signed for `region`; an AWS regional endpoint (FIPS on ITAR hosts) moves with it. */
export function inRegion(loc: S3Loc, region: string): S3Loc {
  const old = loc.creds.region;
  if (region === old) return loc;
  const ep = loc.creds.endpoint;
  const endpoint = ep && old && ep.includes(`.${old}.amazonaws.com`) ? ep.replace(`.${old}.amazonaws.com`, `.${region}.amazonaws.com`) : ep;
  return { ...loc, creds: { ...loc.creds, region, ...(endpoint ? { endpoint } : {}) } };
}

/**
 * The region S3 says the bucket is in when it refuses a request signed for another one: a
 * 301/307 redirect (AWS endpoints) or a 400 AuthorizationHeaderMalformed, named in the
 * `x-amz-bucket-region` header (the only place for a HEAD, which has no body) or in `<Region>`.
 */
export function regionFromError(status: number, headers: S3Response['headers'], xml: string): string | undefined {
  if (status !== 301 && status !== 307 && status !== 400) return undefined;
  const h = headers['x-amz-bucket-region'];
  const named = (Array.isArray(h) ? h[0] : h) ?? /<Region>([^<]+)<\/Region>/.exec(xml)?.[1];
  return named && /^[a-z0-9-]+$/.test(named) ? named : undefined;
}

type SendOpts = { query?: Record<string, string>; headers?: Record<string, string>; body?: Readable | Buffer | string; signal: AbortSignal };

export async function s3Send(loc: S3Loc, method: S3Method, opts: SendOpts): Promise<S3Response> {
  // A streamed body is spent after the first attempt: a retry in another region must come from the engine.
  const replayable = opts.body === undefined || typeof opts.body === 'string' || Buffer.isBuffer(opts.body);
  return inBucketRegion(loc, replayable, (l) => sendSigned(l, method, opts));
}

/**
 * GET of an object's bytes (whole or a range): over a socket that reads into a reused buffer
 * where the connection is direct (socket-get.ts), else through undici like every other request.
 */
export function s3GetObject(loc: S3Loc, headers: Record<string, string>, signal: AbortSignal): Promise<GetResponse> {
  return inBucketRegion(loc, true, async (l): Promise<Sent<GetResponse>> => {
    const { url, headers: signed } = signRequest(l, 'GET', { headers, signal });
    const direct = socketGetOptions(l.net, url, signal);
    if (!direct) return sendSigned(l, 'GET', { headers, signal }, { url, headers: signed });
    const res = await socketGet(url, signed, direct);
    if (res.statusCode >= 300) return { status: res.statusCode, headers: res.headers, text: await res.body.text().catch(() => '') };
    return { response: { status: res.statusCode, headers: res.headers, body: res.body } };
  });
}

/** Sends through `attempt`, again signed for the bucket's region if S3 names another one. */
async function inBucketRegion<R>(loc: S3Loc, replayable: boolean, attempt: (l: S3Loc) => Promise<Sent<R>>): Promise<R> {
  const key = regionKey(loc);
  const signed = inRegion(loc, bucketRegions.get(key) ?? loc.creds.region);
  const first = await attempt(signed);
  if ('response' in first) return first.response;
  const region = regionFromError(first.status, first.headers, first.text);
  if (!region || region === signed.creds.region) throw errorFrom(first.status, first.text);
  bucketRegions.set(key, region);
  if (!replayable) {
    throw fail('storage_error', `storage keeps bucket ${loc.bucket} in region ${region}, not ${signed.creds.region}; retrying signed for it`, true);
  }
  const again = await attempt(inRegion(loc, region));
  if ('response' in again) return again.response;
  throw errorFrom(again.status, again.text);
}

type Sent<R = S3Response> = { response: R } | { status: number; headers: S3Response['headers']; text: string };

/** The request's URL and its headers signed with SigV4 (Host and the date added). */
function signRequest(loc: S3Loc, method: S3Method, opts: SendOpts): { url: URL; headers: Record<string, string> } {
  const { url, path } = s3Target(loc);
  const qs = canonicalQuery(opts.query ?? {});
  const headers: Record<string, string> = { ...opts.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  if (typeof opts.body === 'string' || Buffer.isBuffer(opts.body)) headers['content-length'] = String(Buffer.byteLength(opts.body));
  const c = loc.creds;
  // The payload is UNSIGNED: TLS protects it, and the SHA-512 in the file record verifies it end to end.
  const signed = signV4Query({ host: url.host, path, method, service: 's3', region: c.region || 'us-east-1', headers }, qs, {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
  });
  return { url: new URL(`${url.origin}${path}${qs ? `?${qs}` : ''}`), headers: signed };
}

/** Sends the request (`signed` when the caller has signed it already) through undici. */
async function sendSigned(loc: S3Loc, method: S3Method, opts: SendOpts, signed = signRequest(loc, method, opts)): Promise<Sent> {
  const { url, headers } = signed;
  const res = await request(url, {
    method,
    headers,
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    signal: opts.signal,
    dispatcher: dispatcherFor(loc.net),
  });
  if (res.statusCode >= 300) {
    const text = await res.body.text().catch(() => '');
    return { status: res.statusCode, headers: res.headers, text };
  }
  // undici turns destroy() of an unread body into an 'error' event (RequestAbortedError); with no
  // listener that is an uncaught exception, and it kills the worker thread. Readers still see
  // every error: async iteration and text() listen for themselves.
  res.body.on('error', () => undefined);
  return { response: { status: res.statusCode, headers: res.headers, body: res.body as unknown as Readable } };
}

/** An S3 error document (or an empty body, as HEAD has) as an error the classifier knows. */
export function errorFrom(status: number, xml: string): S3HttpError {
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? '';
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1] ?? '';
  return new S3HttpError(status, code, message);
}

export function header(r: Pick<S3Response, 'headers'>, name: string): string | undefined {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
