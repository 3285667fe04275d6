import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { controlRoute } from '../control/routes';
import { cutRequestAfter, cutResponseAfter } from '../control/cut';
import { FaultRegistry, type FaultRule } from '../control/faults';
import { scopeFor } from '../control/ratelimit';
import type { SandboxCore } from '../core';
import { delay } from '../util/time';
import { ApiError, detail, djangoNotFound, readJson, writeResult, type ApiResult } from './http';
import { realisticResult } from './realistic';
import type { ApiCtx, Route, Router } from './router';

/** `Token <key>` or `Bearer <key>`, as the platform and Interlink send them. */
function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^(Token|Bearer)\s+(\S+)\s*$/i.exec(h);
  return m ? m[2]! : '';
}

function faultResult(rule: FaultRule): ApiResult {
  const status = rule.status ?? 500;
  const headers: Record<string, string | number> = {};
  if (rule.retryAfter !== undefined || status === 429) headers['retry-after'] = rule.retryAfter ?? 1;
  if (typeof rule.body === 'string') return { status, text: rule.body, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } };
  if (rule.body !== undefined) return { status, json: rule.body as ApiResult['json'], headers };
  if (status === 429) return detail(429, `Request was throttled. Expected available in ${rule.retryAfter ?? 1} seconds.`, headers);
  return detail(status, `Injected fault (HTTP ${status}).`, headers);
}

export function createApiHandler(core: SandboxCore, router: Router): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(core, router, req, res).catch((err: unknown) => {
      // A connection that is gone (client abort, injected cut) is not a server bug.
      if (req.destroyed || res.destroyed || req.socket.destroyed) {
        res.destroy();
        return;
      }
      console.error('[sandbox api]', err);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end('<h1>Server Error (500)</h1>');
      } else res.destroy();
    });
  };
}

async function handle(core: SandboxCore, router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const host = req.headers.host ?? `${req.socket.localAddress ?? core.config.host}:${req.socket.localPort ?? ''}`;
  const origin = `http://${host}`;
  const url = new URL(req.url ?? '/', origin);
  const path = url.pathname;
  const contentType = req.headers['content-type'];
  if (path.startsWith('/__sandbox/')) {
    const result = core.config.faults ? await controlRoute(core, method, path, () => readJson(req, contentType)) : djangoNotFound();
    return writeResult(res, result, req);
  }
  const match = router.match(path);
  if (!match) {
    core.stats.countApi(`${method} (no route)`);
    return writeResult(res, djangoNotFound(), req);
  }
  core.stats.countApi(`${method} ${match.route.pattern}`);
  const rule = core.config.faults ? core.faults.take({ target: 'api', method, path, query: url.search.slice(1) }) : undefined;
  let body: Readable = req;
  if (rule) {
    core.stats.faultsFired += 1;
    if (rule.latencyMs) await delay(rule.latencyMs);
    if (rule.cutAfterBytes !== undefined) {
      if (FaultRegistry.cutsRequest(rule, method)) body = cutRequestAfter(req, rule.cutAfterBytes, req.socket);
      else cutResponseAfter(res, rule.cutAfterBytes);
    }
    if (rule.status !== undefined && !rule.applyEffect) return writeResult(res, faultResult(rule), req);
  }
  const tidy = await run(core, match.route.methods, match.params, { method, path, url, origin, body, contentType, req });
  const result = core.config.realistic ? realisticResult(match.route.pattern, method, tidy) : tidy;
  if (rule?.status !== undefined) {
    result.stream?.destroy();
    return writeResult(res, faultResult(rule), req);
  }
  await writeResult(res, result, req);
}

interface RunArgs {
  method: string;
  path: string;
  url: URL;
  origin: string;
  body: Readable;
  contentType: string | undefined;
  req: IncomingMessage;
}

/** DRF's order: authenticate, throttle, then find the method handler. */
async function run(core: SandboxCore, methods: Route['methods'], params: Record<string, string>, a: RunArgs): Promise<ApiResult> {
  const token = bearer(a.req);
  if (token === null) return detail(401, 'Authentication credentials were not provided.', { 'www-authenticate': 'Token' });
  if (token !== core.store.state.token) return detail(401, 'Invalid token.', { 'www-authenticate': 'Token' });
  const wait = core.limiter.take(scopeFor(a.method, a.path), token);
  if (wait > 0) {
    core.stats.throttled += 1;
    return detail(429, `Request was throttled. Expected available in ${wait} seconds.`, { 'retry-after': wait });
  }
  const handler = methods[a.method] ?? (a.method === 'HEAD' ? methods['GET'] : undefined);
  if (!handler) {
    const allow = Object.keys(methods).join(', ');
    if (a.method === 'OPTIONS') return { status: 200, json: { name: 'Sandbox', renders: ['application/json'] }, headers: { allow } };
    return detail(405, `Method "${a.method}" not allowed.`, { allow });
  }
  const ctx: ApiCtx = {
    method: a.method,
    path: a.path,
    url: a.url,
    origin: a.origin,
    params,
    user: core.user,
    body: a.body,
    contentType: a.contentType,
    headers: a.req.headers,
  };
  try {
    return await handler(ctx);
  } catch (err) {
    if (err instanceof ApiError) return err.result;
    throw err;
  }
}
