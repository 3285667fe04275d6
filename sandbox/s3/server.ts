import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { applyStorageFault, type FaultRegistry, type FaultRule } from '../control/faults';
import type { Stats } from '../control/stats';
import { hexToken } from '../util/ids';
import type { CredentialRegistry, ResolvedCredential } from './credentials';
import { S3Error, s3err } from './errors';
import type { HashPool } from './hash-pool';
import type { ObjectStore } from './object-store';
import * as bucketOps from './ops-bucket';
import * as mp from './ops-multipart';
import * as objectOps from './ops-object';
import type { S3Request, S3Result } from './request';
import { parseAuth, parseQuery, safeDecode, verifySignature, type AuthParams, type SignedRequest } from './sigv4';
import type { UploadStore } from './uploads';
import { errorXml } from './xml';

export interface S3Deps {
  objects: ObjectStore;
  uploads: UploadStore;
  creds: CredentialRegistry;
  region: string;
  faults: FaultRegistry;
  faultsEnabled: boolean;
  stats: Stats;
  hashPool: HashPool | null;
  fastEtags: boolean;
}

const SUBRESOURCES = [
  'acl',
  'cors',
  'lifecycle',
  'policy',
  'tagging',
  'website',
  'logging',
  'notification',
  'replication',
  'encryption',
  'object-lock',
  'accelerate',
  'requestPayment',
  'ownershipControls',
  'publicAccessBlock',
  'versions',
  'retention',
  'legal-hold',
  'torrent',
  'restore',
  'select',
  'attributes',
  'analytics',
  'metrics',
  'inventory',
  'intelligent-tiering',
];

/** The S3 operation a request names, from method, path shape and query flags. */
export function identifyOp(method: string, bucket: string, key: string, q: Map<string, string>, headers: IncomingHttpHeaders): string {
  const sub = SUBRESOURCES.some((s) => q.has(s));
  if (!bucket) return method === 'GET' ? 'ListBuckets' : 'Unsupported';
  if (!key) {
    if (method === 'GET' && q.has('location')) return 'GetBucketLocation';
    if (method === 'GET' && q.has('versioning')) return 'GetBucketVersioning';
    if (sub) return 'Unsupported';
    if (method === 'PUT') return 'CreateBucket';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'DELETE') return 'DeleteBucket';
    if (method === 'POST') return q.has('delete') ? 'DeleteObjects' : 'Unsupported';
    if (method === 'GET') return q.has('uploads') ? 'ListMultipartUploads' : q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    return 'Unsupported';
  }
  if (sub) return 'Unsupported';
  const copy = headers['x-amz-copy-source'] !== undefined;
  switch (method) {
    case 'PUT':
      if (q.has('uploadId')) return copy ? 'Unsupported' : 'UploadPart';
      return copy ? 'CopyObject' : 'PutObject';
    case 'POST':
      return q.has('uploads') ? 'CreateMultipartUpload' : q.has('uploadId') ? 'CompleteMultipartUpload' : 'Unsupported';
    case 'DELETE':
      return q.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    case 'GET':
      return q.has('uploadId') ? 'ListParts' : 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    default:
      return 'Unsupported';
  }
}

type OpHandler = (d: S3Deps, m: mp.MultipartDeps, r: S3Request) => Promise<S3Result> | S3Result;

/** Each S3 operation the sandbox serves, by the name identifyOp gives it. */
const OPS: Record<string, OpHandler> = {
  ListBuckets: (d, _m, r) => bucketOps.listBuckets(d.objects, r),
  CreateBucket: (d, _m, r) => bucketOps.createBucket(d.objects, r),
  HeadBucket: (d, _m, r) => bucketOps.headBucket(d.objects, r, d.region),
  DeleteBucket: (d, _m, r) => bucketOps.deleteBucket(d.objects, r),
  GetBucketLocation: (d, _m, r) => bucketOps.bucketLocation(d.objects, r, d.region),
  GetBucketVersioning: (d, _m, r) => bucketOps.bucketVersioning(d.objects, r),
  ListObjects: (d, _m, r) => bucketOps.listObjects(d.objects, r, false),
  ListObjectsV2: (d, _m, r) => bucketOps.listObjects(d.objects, r, true),
  DeleteObjects: (d, _m, r) => bucketOps.deleteObjects(d.objects, r),
  ListMultipartUploads: (_d, m, r) => mp.listMultipartUploads(m, r),
  PutObject: (d, _m, r) => objectOps.putObject(d.objects, r),
  CopyObject: (d, _m, r) => objectOps.copyObject(d.objects, r),
  GetObject: (d, _m, r) => objectOps.getObject(d.objects, r, false),
  HeadObject: (d, _m, r) => objectOps.getObject(d.objects, r, true),
  DeleteObject: (d, _m, r) => objectOps.deleteObject(d.objects, r),
  CreateMultipartUpload: (_d, m, r) => mp.createMultipart(m, r),
  UploadPart: (_d, m, r) => mp.uploadPart(m, r),
  CompleteMultipartUpload: (_d, m, r) => mp.completeMultipart(m, r),
  AbortMultipartUpload: (_d, m, r) => mp.abortMultipart(m, r),
  ListParts: (_d, m, r) => mp.listParts(m, r),
};

async function dispatch(d: S3Deps, op: string, r: S3Request): Promise<S3Result> {
  const run = Object.hasOwn(OPS, op) ? OPS[op] : undefined;
  if (!run) throw s3err.notImplemented();
  const m: mp.MultipartDeps = { objects: d.objects, uploads: d.uploads, onPart: (id, n) => d.stats.countPart(id, n) };
  return run(d, m, r);
}

/** Who signed the request: key known, token valid and unexpired, region right, signature correct. */
function authenticate(d: S3Deps, sreq: SignedRequest, auth: AuthParams, bucket: string): ResolvedCredential {
  const cred = d.creds.lookup(auth.accessKeyId);
  if (!cred) throw s3err.invalidAccessKey();
  const regionOk = auth.region === d.region || (!bucket && auth.region === 'us-east-1');
  if (!regionOk || auth.service !== 's3') {
    d.stats.regionErrors += 1;
    const code = auth.mode === 'header' ? 'AuthorizationHeaderMalformed' : 'AuthorizationQueryParametersError';
    const what = auth.mode === 'header' ? 'The authorization header is malformed' : 'Error parsing the X-Amz-Credential parameter';
    // S3 names the bucket's region in a header too, and only there for a HEAD (no body): SDKs
    // (aws s3 cp's HeadObject, Courier) re-sign for it.
    throw new S3Error(
      code,
      `${what}; the region '${auth.region}' is wrong; expecting '${d.region}'`,
      400,
      { Region: d.region },
      {
        'x-amz-bucket-region': d.region,
      },
    );
  }
  if (!cred.admin) {
    if (!auth.sessionToken || auth.sessionToken !== cred.sessionToken) throw s3err.invalidToken();
    if ((cred.expiresAt ?? 0) <= Date.now()) throw s3err.expiredToken();
  }
  if (!verifySignature(sreq, auth, cred.secretAccessKey)) throw s3err.signatureMismatch();
  return cred;
}

const FAULT_CODES: Record<number, [string, string]> = {
  400: ['InvalidRequest', 'Injected fault.'],
  403: ['AccessDenied', 'Access Denied'],
  404: ['NoSuchKey', 'The specified key does not exist.'],
  500: ['InternalError', 'We encountered an internal error. Please try again.'],
  503: ['SlowDown', 'Please reduce your request rate.'],
};

function faultError(rule: FaultRule): S3Error {
  const status = rule.status ?? 500;
  const [code, message] = FAULT_CODES[status] ?? ['ServiceUnavailable', 'Injected fault.'];
  const headers: Record<string, string> = rule.retryAfter !== undefined ? { 'retry-after': String(rule.retryAfter) } : {};
  return new S3Error(rule.code ?? code, message, status, {}, headers);
}

async function send(res: ServerResponse, result: S3Result, head: boolean): Promise<void> {
  res.statusCode = result.status;
  for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
  if (result.send) {
    if (head) res.end();
    else await result.send(res).catch(() => res.destroy());
    return;
  }
  const body = result.body;
  if (body instanceof Readable) {
    if (head) {
      body.destroy();
      res.end();
      return;
    }
    await pipeline(body, res).catch(() => res.destroy());
    return;
  }
  if (body !== undefined && !res.hasHeader('content-length')) res.setHeader('content-length', Buffer.byteLength(body));
  res.end(head ? undefined : body);
}

function sendError(res: ServerResponse, err: unknown, resource: string, requestId: string, head: boolean): void {
  if (res.headersSent || res.destroyed || !res.socket || res.socket.destroyed) {
    res.destroy(); // the client is gone (or a cut fault fired): nothing to answer, nothing to log
    return;
  }
  const e = err instanceof S3Error ? err : new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500);
  if (!(err instanceof S3Error)) console.error('[sandbox s3]', err);
  const xml = errorXml(e, resource, requestId);
  res.statusCode = e.status;
  for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
  res.setHeader('content-type', 'application/xml');
  res.setHeader('content-length', head ? 0 : Buffer.byteLength(xml));
  res.end(head ? undefined : xml);
}

export function createS3Handler(d: S3Deps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => void handle(d, req, res);
}

/** What one S3 request is about, parsed from its URL before anything is read. */
interface S3Call {
  requestId: string;
  method: string;
  rawPath: string;
  rawQuery: string;
  query: Map<string, string>;
  bucket: string;
  key: string;
  op: string;
}

function parseCall(req: IncomingMessage): S3Call {
  const url = req.url ?? '/';
  const qi = url.indexOf('?');
  const rawPath = qi < 0 ? url : url.slice(0, qi);
  const rawQuery = qi < 0 ? '' : url.slice(qi + 1);
  const method = req.method ?? 'GET';
  const query = new Map(parseQuery(rawQuery));
  const slash = rawPath.indexOf('/', 1);
  const bucket = safeDecode(slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash));
  const key = slash < 0 ? '' : safeDecode(rawPath.slice(slash + 1));
  const op = identifyOp(method, bucket, key, query, req.headers);
  return { requestId: hexToken(8).toUpperCase(), method, rawPath, rawQuery, query, bucket, key, op };
}

/** Authenticates the request and carries out its operation, reading the body from `body`. */
async function execute(d: S3Deps, req: IncomingMessage, c: S3Call, body: Readable): Promise<S3Result> {
  const { method, rawPath, rawQuery, bucket, key, query, requestId } = c;
  const sreq: SignedRequest = { method, rawPath, rawQuery, headers: req.headers };
  const auth = parseAuth(sreq);
  if (!auth) throw s3err.accessDenied();
  const cred = authenticate(d, sreq, auth, bucket);
  return dispatch(d, c.op, {
    req,
    method,
    bucket,
    key,
    query,
    headers: req.headers,
    auth,
    cred,
    body,
    requestId,
    hashPool: d.hashPool,
    fastEtags: d.fastEtags,
  });
}

async function handle(d: S3Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const c = parseCall(req);
  const head = c.method === 'HEAD';
  const resource = `/${c.bucket}${c.key ? `/${c.key}` : ''}`;
  d.stats.countS3(c.op);
  res.setHeader('x-amz-request-id', c.requestId);
  res.setHeader('x-amz-id-2', hexToken(24));
  res.setHeader('server', 'RescaleSandboxS3');
  const rule = d.faultsEnabled ? d.faults.take({ target: 's3', method: c.method, path: resource, query: c.rawQuery, op: c.op }) : undefined;
  try {
    const body = await applyStorageFault(req, res, rule, {
      stats: d.stats,
      runEffect: async (b) => {
        const result = await execute(d, req, c, b);
        if (result.body instanceof Readable) result.body.destroy();
      },
      answer: (r) => sendError(res, faultError(r), resource, c.requestId, head),
    });
    if (body) await send(res, await execute(d, req, c, body), head);
  } catch (err) {
    sendError(res, err, resource, c.requestId, head);
  }
}
