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

export const defaultTimeouts = { connectMs: 15_000, headersMs: 60_000, bodyIdleMs: 60_000 };

function readCa(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CourierError('tls_or_proxy', `The CA bundle ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}). Fix the path in Settings → Network.`);
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
  const ca = readCa(opts.caBundlePath);
  const tls = ca ? { ca } : {};
  const common = { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: pool.connections ?? 32, headersTimeout: t.headersMs, bodyTimeout: t.bodyIdleMs };
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
