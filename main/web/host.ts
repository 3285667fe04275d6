import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { Courier } from '../core/courier';
import { registerSecret } from '../core/secrets/redact';
import { buildCsp, securityHeaders } from '../core/security/csp';
import { contentTypeFor, resolveStaticPath } from '../core/security/static-files';
import { cookieName, hostAllowed, originAllowed, readCookie, tokenMatches } from './access';
import { createRpcSockets } from './rpc-socket';
import { receiveStagedFile } from './staging';

export interface WebHostOptions {
  courier: Courier;
  /** Folder with the built renderer (index.html + assets). */
  rendererDir: string;
  port?: number;
  /** Fixed token (tests); a random one per launch otherwise. */
  token?: string;
}

export interface WebHost {
  url: string; // carries the token: open it to get in
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function refuse(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...securityHeaders("default-src 'none'") });
  res.end(text + '\n');
}

/** The request target as a URL on our origin, or null when it is not an origin-form path (`//x`, `*`, junk). */
function parseRequestUrl(target: string | undefined, port: number): URL | null {
  if (!target?.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, `http://127.0.0.1:${port}`);
  } catch {
    return null;
  }
}

/** What answering a request needs; `port` is set once the server listens. */
interface HostState {
  courier: Courier;
  rendererDir: string;
  token: string;
  port: number;
}

/** Every request is answered or dropped on its own; nothing a client sends reaches the process. */
function handleHttp(h: HostState, req: IncomingMessage, res: ServerResponse): void {
  const { port, token } = h;
  if (!hostAllowed(req.headers.host, port)) return refuse(res, 403, 'Courier answers only on its own loopback address.');
  const url = parseRequestUrl(req.url, port);
  if (!url) return refuse(res, 400, 'Bad request: the request target is not a path.');
  const cookie = cookieName(port);
  if (req.method === 'PUT' && url.pathname.startsWith('/staging/')) {
    // Writes need the session cookie AND our own Origin (no cross-site uploads).
    if (!tokenMatches(readCookie(req.headers.cookie, cookie), token) || !originAllowed(req.headers.origin, port)) return refuse(res, 403, 'Forbidden.');
    return void receiveStagedFile(req, res, h.courier.ports.dataDir, url.pathname).catch(() => res.destroy());
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
  const given = url.searchParams.get('token');
  if (given !== null) {
    if (!tokenMatches(given, token)) return refuse(res, 403, 'This Courier link is out of date. Use the link printed when `npm run web` started.');
    url.searchParams.delete('token');
    res.writeHead(303, {
      'Set-Cookie': `${cookie}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      Location: url.pathname + url.search,
      'Cache-Control': 'no-store',
    });
    return void res.end();
  }
  if (!tokenMatches(readCookie(req.headers.cookie, cookie), token)) {
    return refuse(res, 401, 'Open Courier with the link printed when `npm run web` started (it carries an access token).');
  }
  serveStatic(h, req, res, url.pathname);
}

/** A file of the built renderer (GET or HEAD, access already checked), or 404. */
function serveStatic(h: HostState, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  const file = resolveStaticPath(h.rendererDir, pathname);
  let size = -1;
  if (file) {
    try {
      const st = statSync(file);
      if (st.isFile()) size = st.size;
    } catch {
      // missing: 404 below
    }
  }
  if (!file || size < 0) return refuse(res, 404, 'Not found.');
  const csp = buildCsp({ connectSrc: [`ws://127.0.0.1:${h.port}`, `ws://localhost:${h.port}`] });
  res.writeHead(200, {
    'Content-Type': contentTypeFor(file),
    'Content-Length': String(size),
    'Cache-Control': file.endsWith('.html') ? 'no-store' : 'private, max-age=3600',
    ...securityHeaders(csp),
  });
  if (req.method === 'HEAD') return void res.end();
  // The file may vanish or fail to read after the stat: end this response, nothing else.
  pipeline(createReadStream(file), res).catch(() => res.destroy());
}

/**
 * The loopback web host: serves the built renderer and the contract over a WebSocket, so the
 * whole UI runs in any browser. Bound to 127.0.0.1 only; a per-launch token (in the printed
 * URL, then an HttpOnly cookie) guards the page and every socket; Host and Origin are checked
 * against our own address so DNS-rebinding pages are refused.
 */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  registerSecret(token);
  const h: HostState = { courier: opts.courier, rendererDir: opts.rendererDir, token, port: 0 };

  const server = createServer((req, res) => {
    try {
      handleHttp(h, req, res);
    } catch {
      refuse(res, 500, 'Internal error.');
    }
  });

  const rpc = createRpcSockets(opts.courier, { port: () => h.port, token });
  server.on('upgrade', rpc.upgrade);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Once listening, a failed accept (e.g. out of file descriptors) costs that one connection.
  server.on('error', () => undefined);
  const port = (server.address() as AddressInfo).port;
  h.port = port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    async close() {
      rpc.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // idle or half-sent requests must not hold the shutdown
      await closed;
    },
  };
}
