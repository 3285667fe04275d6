import type { Phrase } from '../../../shared/activity-phrases';
// "Use the system proxy" where the shell can ask the OS: the desktop app hands us Chromium's
// answer for a URL (session.resolveProxy: the OS settings, PAC scripts and WPAD), which knows far
// more than the HTTP(S)_PROXY variables undici reads on its own (Interlink reads only those).
import type { NetworkOptions } from './dispatcher';

/** The OS's proxy rules for a URL, in PAC form: "PROXY host:port; DIRECT", "DIRECT", … */
export type ProxyRulesLookup = (url: string) => Promise<string>;

export type ProxyChoice = { kind: 'direct' } | { kind: 'proxy'; url: string } | { kind: 'unusable'; rules: string };
type Lookup = ProxyChoice | { kind: 'unknown'; reason: string };

/**
 * The first entry of a PAC answer we can use, skipping those undici cannot speak (SOCKS). PROXY
 * is plain HTTP to the proxy, HTTPS is TLS to it. Chromium fails over to the next entry when a
 * proxy is down; we do not (a dead first proxy is reported as such).
 */
export function parseProxyRules(rules: string): ProxyChoice {
  for (const entry of rules.split(';')) {
    const [kind = '', hostPort] = entry.trim().split(/\s+/);
    switch (kind.toUpperCase()) {
      case 'DIRECT':
        return { kind: 'direct' };
      case 'PROXY':
        if (hostPort) return { kind: 'proxy', url: `http://${hostPort}` };
        break;
      case 'HTTPS':
        if (hostPort) return { kind: 'proxy', url: `https://${hostPort}` };
        break;
      default: // SOCKS, SOCKS4, SOCKS5, QUIC, empty: not something undici can go through
    }
  }
  return { kind: 'unusable', rules };
}

/**
 * Turns the "system" mode into what the OS says for each origin (cached for a minute: a VPN or
 * a network change can change the answer, and the lookup is cheap but not free). Any other
 * mode passes through. When the OS cannot be asked, or answers only with proxies undici cannot
 * use, "system" stays as it is: the HTTP(S)_PROXY / NO_PROXY variables.
 */
export class SystemProxy {
  private readonly cache = new Map<string, { at: number; choice: Promise<Lookup> }>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly lookup: ProxyRulesLookup,
    private readonly o: { ttlMs?: number; timeoutMs?: number; now?: () => number; warn?: (phrase: Phrase) => void } = {},
  ) {}

  async apply(net: NetworkOptions, target: string): Promise<NetworkOptions> {
    if (net.proxy.mode !== 'system') return net;
    const origin = new URL(target).origin;
    const choice = await this.choiceFor(origin);
    if (choice.kind === 'direct') return { ...net, proxy: { mode: 'none' } };
    if (choice.kind === 'proxy') return { ...net, proxy: { mode: 'explicit', url: choice.url } };
    const why = choice.kind === 'unusable' ? `is "${choice.rules}", which Courier cannot use (no SOCKS support)` : `could not be read (${choice.reason})`;
    if (!this.warned.has(why)) {
      this.warned.add(why);
      this.o.warn?.({ key: 'systemProxyFallback', params: { origin, why } });
    }
    return net;
  }

  private choiceFor(origin: string): Promise<Lookup> {
    const now = (this.o.now ?? Date.now)();
    const hit = this.cache.get(origin);
    if (hit && now - hit.at < (this.o.ttlMs ?? 60_000)) return hit.choice;
    // A PAC script fetched from a slow server must not hold every request: after 5 s, the variables.
    const limit = this.o.timeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Lookup>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'unknown', reason: `no answer in ${limit / 1000} s` }), limit);
      timer.unref();
    });
    const asked = this.lookup(`${origin}/`).then(parseProxyRules, (e: unknown): Lookup => ({
      kind: 'unknown',
      reason: e instanceof Error ? e.message : String(e),
    }));
    const choice = Promise.race([asked, late]).finally(() => clearTimeout(timer));
    this.cache.set(origin, { at: now, choice });
    return choice;
  }
}
