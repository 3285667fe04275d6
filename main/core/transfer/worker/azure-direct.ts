// Azure Blob requests as plain HTTP with a SAS token in the query: nothing is signed, so a
// request is a URL, a few `x-ms-*` headers and the body, sent through the same undici pools
// (proxy, CA, timeouts) as S3's. Why not @azure/storage-blob: see azure-control.ts.
import type { Readable } from 'node:stream';
import { request } from 'undici';
import { fail } from '../errors';
import type { AzureLoc, StorageLoc } from './protocol';
import { dispatcherFor, S3HttpError, type GetResponse, type S3Method, type S3Response } from './s3-direct';
import { socketGet, socketGetOptions } from './socket-get';
import { enc } from './s3-target';

/** A service version Azurite 3.35 accepts and the real service serves (Put Blob up to 5000 MiB). */
export const AZURE_VERSION = '2021-12-02';

// Container names: 3-63 of [a-z0-9-], starting and ending alphanumeric, no "--" (Azure's rules).
const CONTAINER = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,61}[a-z0-9]$/;
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f\\]/;

export function asAzure(loc: StorageLoc): AzureLoc {
  if (loc.creds.kind !== 'azure') throw fail('internal', 'Azure request without Azure credentials');
  return loc as AzureLoc;
}

/**
 * The container and blob path come from file records (untrusted): refuse what would address
 * another blob once the URL is normalized (empty, `.` or `..` segments) or what Azure refuses.
 */
export function checkBlobPlace(container: string, path: string): void {
  if (!CONTAINER.test(container))
    throw fail('storage_error', `"${container}" is not a valid Azure container name, so this file's storage location cannot be used`);
  const segments = path.split('/');
  if (path.length === 0 || path.length > 1024 || CONTROL.test(path) || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw fail(
      'storage_error',
      `"${path.slice(0, 200)}" is not a valid blob path (empty, "." or ".." parts, control characters or backslashes), so this file's storage location cannot be used`,
    );
  }
}

/** The SAS for this blob: its own token if the platform gave one, else the container's. */
export function sasFor(loc: AzureLoc): string {
  const own = loc.creds.pathSas[`${loc.bucket}/${loc.key}`];
  return (own ?? loc.creds.sasToken).replace(/^\?/, '');
}

/** `<endpoint>/<container>/<path>` (path-style: the endpoint names the account). */
export function azureUrl(loc: AzureLoc): URL {
  checkBlobPlace(loc.bucket, loc.key);
  const base = new URL(loc.creds.endpoint);
  base.pathname = `${base.pathname.replace(/\/$/, '')}/${enc(loc.bucket)}/${loc.key.split('/').map(enc).join('/')}`;
  return base;
}

type SendOpts = { query?: Record<string, string>; headers?: Record<string, string>; body?: Buffer | string | Readable; signal: AbortSignal };

/** The request's URL (with the SAS) and headers. */
function azureRequest(loc: AzureLoc, opts: SendOpts): { url: URL; headers: Record<string, string> } {
  const url = azureUrl(loc);
  const sas = sasFor(loc);
  if (/[\s#]/.test(sas)) throw fail('credentials_expired', 'the storage token from Rescale is malformed', false);
  const own = Object.entries(opts.query ?? {}).map(([k, v]) => `${enc(k)}=${enc(v)}`);
  const qs = [...own, ...(sas ? [sas] : [])].join('&');
  const headers: Record<string, string> = { ...opts.headers, 'x-ms-version': AZURE_VERSION };
  if (typeof opts.body === 'string' || Buffer.isBuffer(opts.body)) headers['content-length'] = String(Buffer.byteLength(opts.body));
  return { url: new URL(`${url.origin}${url.pathname}${qs ? `?${qs}` : ''}`), headers };
}

/** Sends the request (`built` when the caller has built it already) through undici. */
export async function azSend(loc: AzureLoc, method: S3Method, opts: SendOpts, built = azureRequest(loc, opts)): Promise<S3Response> {
  const { url, headers } = built;
  const res = await request(url, {
    method,
    headers,
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    signal: opts.signal,
    dispatcher: dispatcherFor(loc.net),
  });
  if (res.statusCode >= 300) {
    const text = await res.body.text().catch(() => '');
    throw azureError(res.statusCode, res.headers['x-ms-error-code'], text);
  }
  res.body.on('error', () => undefined); // see s3-direct.ts: an unread, destroyed body must not kill the worker
  return { status: res.statusCode, headers: res.headers, body: res.body as unknown as S3Response['body'] };
}

/** GET of a blob's bytes: over a socket of our own where the connection is direct (socket-get.ts), else undici. */
export async function azGetObject(loc: AzureLoc, headers: Record<string, string>, signal: AbortSignal): Promise<GetResponse> {
  const req = azureRequest(loc, { headers, signal });
  const direct = socketGetOptions(loc.net, req.url, signal);
  if (!direct) return azSend(loc, 'GET', { headers, signal }, req);
  const res = await socketGet(req.url, req.headers, direct);
  if (res.statusCode >= 300) {
    const text = await res.body.text().catch(() => '');
    throw azureError(res.statusCode, res.headers['x-ms-error-code'], text);
  }
  return { status: res.statusCode, headers: res.headers, body: res.body };
}

/** An Azure error (`<Error><Code>…` or, for HEAD, only the `x-ms-error-code` header) as the classifier's error. */
export function azureError(status: number, codeHeader: string | string[] | undefined, xml: string): S3HttpError {
  const code = (Array.isArray(codeHeader) ? codeHeader[0] : codeHeader) ?? /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? '';
  const message = (/<Message>([^<]*)<\/Message>/.exec(xml)?.[1] ?? '').split('\n')[0] ?? '';
  return new S3HttpError(status, code, message);
}
