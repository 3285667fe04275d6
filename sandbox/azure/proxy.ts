import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { applyStorageFault, type FaultRegistry, type FaultRule } from '../control/faults';
import type { Stats } from '../control/stats';
import { defaultAzureCode, sendAzureError } from './errors';
import type { SasIssuer } from './sas';

export interface ProxyDeps {
  upstreamHost: string;
  upstreamPort: number;
  faults: FaultRegistry;
  faultsEnabled: boolean;
  stats: Stats;
  sas: SasIssuer;
}

interface Target {
  /** `/<account>/<container>/<blob>`, decoded: what fault rules' `path` globs see. */
  path: string;
  container: string;
  blob: string;
  query: URLSearchParams;
  rawQuery: string;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function parseTarget(url: string): Target {
  const qi = url.indexOf('?');
  const rawPath = qi < 0 ? url : url.slice(0, qi);
  const rawQuery = qi < 0 ? '' : url.slice(qi + 1);
  const segs = rawPath.split('/').slice(1); // account, container, blob…
  const container = safeDecode(segs[1] ?? '');
  const blob = safeDecode(segs.slice(2).join('/'));
  return { path: safeDecode(rawPath), container, blob, query: new URLSearchParams(rawQuery), rawQuery };
}

/** The Blob service operation name (as Azure's REST reference spells it) for a request. */
export function azureOp(method: string, t: Target, headers: IncomingMessage['headers']): string {
  const comp = t.query.get('comp');
  const restype = t.query.get('restype');
  if (!t.container) return comp === 'list' ? 'ListContainers' : `${method} account${comp ? ` comp=${comp}` : ''}`;
  if (restype === 'container' && !t.blob) {
    if (comp === 'list') return 'ListBlobs';
    if (method === 'PUT') return comp ? `SetContainer:${comp}` : 'CreateContainer';
    if (method === 'DELETE') return 'DeleteContainer';
    return 'GetContainerProperties';
  }
  const copy = headers['x-ms-copy-source'] !== undefined;
  if (method === 'PUT') {
    if (comp === 'block') return copy ? 'PutBlockFromURL' : 'PutBlock';
    if (comp === 'blocklist') return 'PutBlockList';
    if (comp === 'metadata') return 'SetBlobMetadata';
    if (comp === 'properties') return 'SetBlobProperties';
    if (comp) return `PUT blob comp=${comp}`;
    return copy ? 'CopyBlob' : 'PutBlob';
  }
  if (method === 'GET') {
    if (comp === 'blocklist') return 'GetBlockList';
    if (comp === 'metadata') return 'GetBlobMetadata';
    if (comp) return `GET blob comp=${comp}`;
    return 'GetBlob';
  }
  if (method === 'HEAD') return comp === 'metadata' ? 'GetBlobMetadata' : 'GetBlobProperties';
  if (method === 'DELETE') return 'DeleteBlob';
  return `${method} blob`;
}

function count(stats: Stats, op: string, t: Target, headers: IncomingMessage['headers']): void {
  stats.countAzure(op);
  if (op === 'PutBlock') stats.countBlock(`${t.container}/${t.blob}`, t.query.get('blockid') ?? '');
  if (op === 'GetBlob' && (headers['range'] !== undefined || headers['x-ms-range'] !== undefined)) stats.azureRangedGets += 1;
}

/** The client's headers for Azurite: its own Host, and no connection management of the client's (the pool keeps sockets alive). */
function upstreamHeaders(req: IncomingMessage, host: string): Record<string, string | string[] | undefined> {
  const h: Record<string, string | string[] | undefined> = { ...req.headers, host };
  delete h['connection'];
  delete h['keep-alive'];
  delete h['proxy-connection'];
  return h;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/**
 * Azurite's answer headers minus the hop-by-hop ones: its `Keep-Alive: timeout=600` describes
 * the proxy's pooled socket, not the client's (whose idle limit is the proxy server's own), and
 * a client trusting it would reuse sockets the proxy already closed.
 */
function endToEnd(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  return out;
}

/** Forwards one request to Azurite and streams the answer back; resolves when the exchange ends. */
function forward(d: ProxyDeps, agent: Agent, req: IncomingMessage, res: ServerResponse, body: Readable, swallow: boolean): Promise<void> {
  return new Promise((resolve) => {
    const up = httpRequest(
      {
        host: d.upstreamHost,
        port: d.upstreamPort,
        method: req.method,
        path: req.url,
        agent,
        headers: upstreamHeaders(req, `${d.upstreamHost}:${d.upstreamPort}`),
      },
      (ures) => {
        if (swallow) {
          ures.resume();
          ures.on('end', resolve).on('error', () => resolve());
          return;
        }
        res.writeHead(ures.statusCode ?? 502, endToEnd(ures.rawHeaders));
        ures.pipe(res);
        ures.on('error', () => res.destroy());
      },
    );
    if (!swallow) {
      // The client went away (or a response cut fired): drop the upstream exchange with it.
      res.on('close', () => {
        if (!res.writableFinished) up.destroy();
        resolve();
      });
    }
    // A client that goes away mid-body must not leave a half-written block behind: abort upstream too.
    up.on('error', () => {
      if (!swallow) {
        if (res.headersSent) res.destroy();
        else sendAzureError(res, 502, 'InternalError');
      }
      resolve();
    });
    body.on('error', () => up.destroy());
    req.on('aborted', () => up.destroy());
    body.pipe(up);
  });
}

/**
 * A loopback proxy in front of Azurite: counts Blob operations, applies the sandbox's fault
 * rules (target `s3`, i.e. the storage side; `op` is the Azure operation name) and refuses SAS
 * tokens revoked by the "expire credentials" control with Azure's 403 AuthenticationFailed.
 */
export function createAzureProxy(d: ProxyDeps): { server: Server; agent: Agent } {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server = createServer({ requestTimeout: 0 }, (req, res) => void handle(d, agent, req, res));
  return { server, agent };
}

async function handle(d: ProxyDeps, agent: Agent, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const head = method === 'HEAD';
  const t = parseTarget(req.url ?? '/');
  const op = azureOp(method, t, req.headers);
  count(d.stats, op, t, req.headers);
  if (refuseSas(d, t, res, head) || outOfScope(d, t, op, res, head)) {
    req.resume();
    return;
  }
  const rule = d.faultsEnabled ? d.faults.take({ target: 's3', method, path: t.path, query: t.rawQuery, op }) : undefined;
  const body = await applyStorageFault(req, res, rule, {
    stats: d.stats,
    runEffect: (b) => forward(d, agent, req, res, b, true),
    answer: (r) => faultAnswer(res, r, head),
  });
  if (body) await forward(d, agent, req, res, body, false);
}

/**
 * Azure's answer to an expired SAS (Azurite's own is a different code, AuthorizationFailure),
 * and the sandbox's revocation of SAS tokens issued before an "expire credentials" control.
 */
function refuseSas(d: ProxyDeps, t: Target, res: ServerResponse, head: boolean): boolean {
  const sig = t.query.get('sig');
  if (sig === null) return false;
  const se = Date.parse(t.query.get('se') ?? '');
  const now = Date.now();
  let detail: string;
  if (Number.isFinite(se) && se <= now) {
    d.stats.azureExpiredSas += 1;
    const st = t.query.get('st');
    detail = `Signature not valid in the specified time frame: Start [${st ? new Date(st).toUTCString() : ''}] - Expiry [${new Date(se).toUTCString()}] - Current [${new Date(now).toUTCString()}]`;
  } else if (d.sas.isRevoked(sig)) {
    d.stats.azureRevokedSas += 1;
    detail = 'Signature not valid in the specified time frame: the SAS was revoked (sandbox expireCredentials).';
  } else return false;
  sendAzureError(res, 403, 'AuthenticationFailed', { head, detail });
  return true;
}

/**
 * Stricter than a plain container SAS, like the S3 side's session keys: a container token
 * from /credentials/ reaches only the user's storageDir. A client writing outside its pathBase
 * has a bug the platform would punish later (files nobody can find or decrypt).
 */
function outOfScope(d: ProxyDeps, t: Target, op: string, res: ServerResponse, head: boolean): boolean {
  const sig = t.query.get('sig');
  if (sig === null || !d.sas.isContainerToken(sig)) return false;
  const prefix = d.sas.prefix;
  const inside = t.blob ? t.blob.startsWith(prefix) : op !== 'ListBlobs' || (t.query.get('prefix') ?? '').startsWith(prefix);
  if (inside) return false;
  d.stats.azureOutOfScope += 1;
  sendAzureError(res, 403, 'AuthorizationFailure', { head, detail: `This SAS reaches only blobs under '${prefix}' (sandbox: the user's storageDir).` });
  return true;
}

function faultAnswer(res: ServerResponse, rule: FaultRule, head: boolean): void {
  const status = rule.status!;
  sendAzureError(res, status, rule.code ?? defaultAzureCode(status), { head, ...(rule.retryAfter !== undefined ? { retryAfter: rule.retryAfter } : {}) });
}
