import { readFileSync } from 'node:fs';
import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from 'undici';
import { CourierError } from '../../../shared/errors';

export interface NetworkOptions {
  proxy: { mode: 'none' } | { mode: 'system' } | { mode: 'explicit'; url: string; username?: string; password?: string };
  /** PEM bundle of extra CAs (company TLS inspection). */
  caBundlePath?: string;
  timeouts?: { connectMs?: number; headersMs?: number; bodyIdleMs?: number };
}

/**
 * The HTTP status a proxy refused a tunnel with, from undici's error ("Proxy response (407) !==
 * 200 when HTTP Tunneling", raised as an AbortError, so it must be checked before "cancelled").
 */
export function proxyRefusal(e: unknown): number | null {
  const m = /Proxy response \((\d{3})\)/.exec(e instanceof Error ? e.message : String(e));
  return m ? Number(m[1]) : null;
}

/**
 * The proxy (without credentials) that connections to `target` go through under these options,
 * for messages ("cannot reach X through the proxy Y" points at the part that is actually down)
 * and for socket-get.ts, which goes direct only where undici would. "system" therefore reads
 * HTTP(S)_PROXY and NO_PROXY exactly as undici's EnvHttpProxyAgent does (its matcher is not
 * exported): lower case before upper case, an empty value meaning none, https falling back to the
 * HTTP proxy, `*` only as the whole of NO_PROXY, entries as hosts, `.suffix` or `host:port`.
 */
export function proxyFor(opts: NetworkOptions, target: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const url = new URL(target);
  let proxy: string | undefined;
  if (opts.proxy.mode === 'explicit') proxy = opts.proxy.url;
  else if (opts.proxy.mode === 'system') {
    const httpProxy = env.http_proxy ?? env.HTTP_PROXY;
    proxy = (url.protocol === 'https:' ? (env.https_proxy ?? env.HTTPS_PROXY) || httpProxy : httpProxy) || undefined;
    if (proxy && bypassesProxy(url, env.no_proxy ?? env.NO_PROXY ?? '')) proxy = undefined;
  }
  if (!proxy) return null;
  try {
    const p = new URL(proxy);
    if (p.host) return `${p.protocol}//${p.host}`;
  } catch {
    // not a URL: shown as given, minus any user:password@
  }
  return proxy.replace(/^.*@/, '');
}

/** NO_PROXY as undici reads it: whether `url` is exempt. */
function bypassesProxy(url: URL, noProxy: string): boolean {
  const entries = noProxy.split(/[,\s]/).filter(Boolean);
  if (entries.length === 0) return false;
  if (noProxy === '*') return true;
  const host = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return entries.some((entry) => {
    const m = /^(.+):(\d+)$/.exec(entry);
    const name = (m ? (m[1] as string) : entry).replace(/^\*?\./, '').toLowerCase();
    if (m && Number(m[2]) !== port) return false;
    return host === name || host.endsWith(`.${name}`);
  });
}

export const defaultTimeouts = { connectMs: 15_000, headersMs: 60_000, bodyIdleMs: 60_000 };

/** The PEM text of a CA bundle the user named, or a clear error if it cannot be read. */
export function readCaBundle(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CourierError(
      'tls_or_proxy',
      `The CA bundle ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}). Fix the path in Settings → Network.`,
    );
  }
}

/**
 * One keep-alive pool per platform, with timeouts for connect, headers and an idle body, and
 * the proxy the user chose: none, the system's (HTTP(S)_PROXY / NO_PROXY, or the OS setting
 * that the Electron shell resolves into an explicit URL), or an explicit one with credentials.
 * The same options go to the transfer workers so S3 traffic takes the same path.
 */
export function createDispatcher(opts: NetworkOptions, pool: { connections?: number } = {}): Dispatcher {
  const t = { ...defaultTimeouts, ...opts.timeouts };
  const ca = readCaBundle(opts.caBundlePath);
  const tls = ca ? { ca } : {};
  const common = {
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    connections: pool.connections ?? 32,
    headersTimeout: t.headersMs,
    bodyTimeout: t.bodyIdleMs,
  };
  switch (opts.proxy.mode) {
    case 'none':
      return new Agent({ ...common, connect: { timeout: t.connectMs, ...tls } });
    case 'system':
      return new EnvHttpProxyAgent({ ...common, connect: { timeout: t.connectMs, ...tls }, ...(ca ? { requestTls: tls, proxyTls: tls } : {}) });
    case 'explicit': {
      const { url, username, password } = opts.proxy;
      const token = username ? `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` : undefined;
      return new ProxyAgent({ uri: url, ...(token ? { token } : {}), ...common, connect: { timeout: t.connectMs }, requestTls: tls, proxyTls: tls });
    }
  }
}
