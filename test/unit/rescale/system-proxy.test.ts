import { phraseText } from '../../../shared/activity-phrases';
import { describe, expect, it } from 'vitest';
import { parseProxyRules, SystemProxy } from '../../../main/core/net/system-proxy';
import type { NetworkOptions } from '../../../main/core/net/dispatcher';

const system: NetworkOptions = { proxy: { mode: 'system' }, caBundlePath: '/etc/company-ca.pem' };

describe('the OS proxy answer (PAC form)', () => {
  it.each([
    ['DIRECT', { kind: 'direct' }],
    ['PROXY proxy.corp:3128', { kind: 'proxy', url: 'http://proxy.corp:3128' }],
    ['PROXY proxy.corp:3128; DIRECT', { kind: 'proxy', url: 'http://proxy.corp:3128' }],
    ['HTTPS secure.corp:443', { kind: 'proxy', url: 'https://secure.corp:443' }],
    ['  proxy  10.0.0.1:8080 ;DIRECT', { kind: 'proxy', url: 'http://10.0.0.1:8080' }],
    ['SOCKS5 socks.corp:1080; PROXY proxy.corp:3128', { kind: 'proxy', url: 'http://proxy.corp:3128' }],
    ['SOCKS5 socks.corp:1080; DIRECT', { kind: 'direct' }],
    ['SOCKS5 socks.corp:1080', { kind: 'unusable', rules: 'SOCKS5 socks.corp:1080' }],
    ['', { kind: 'unusable', rules: '' }],
  ])('%j', (rules, want) => {
    expect(parseProxyRules(rules)).toEqual(want);
  });
});

describe('SystemProxy', () => {
  const make = (answer: (url: string) => Promise<string>) => {
    const asked: string[] = [];
    const warnings: string[] = [];
    let t = 0;
    const sp = new SystemProxy(
      (url) => {
        asked.push(url);
        return answer(url);
      },
      { ttlMs: 1_000, now: () => t, warn: (m) => warnings.push(phraseText(m)) },
    );
    return { sp, asked, warnings, advance: (ms: number) => (t += ms) };
  };

  it('turns "system" into the answer for each origin, keeping the CA', async () => {
    const { sp, asked } = make(async (url) => (url.startsWith('https://platform.rescale.com') ? 'PROXY proxy.corp:3128' : 'DIRECT'));
    expect(await sp.apply(system, 'https://platform.rescale.com/api/v3/files/')).toEqual({
      caBundlePath: '/etc/company-ca.pem',
      proxy: { mode: 'explicit', url: 'http://proxy.corp:3128' },
    });
    expect(await sp.apply(system, 'https://bucket.s3.us-east-1.amazonaws.com')).toEqual({ caBundlePath: '/etc/company-ca.pem', proxy: { mode: 'none' } });
    expect(asked).toEqual(['https://platform.rescale.com/', 'https://bucket.s3.us-east-1.amazonaws.com/']); // asked by origin, no path
  });

  it('leaves the other modes alone and does not ask', async () => {
    const { sp, asked } = make(async () => 'DIRECT');
    const explicit: NetworkOptions = { proxy: { mode: 'explicit', url: 'http://p:1' } };
    expect(await sp.apply(explicit, 'https://x.example/')).toBe(explicit);
    expect(await sp.apply({ proxy: { mode: 'none' } }, 'https://x.example/')).toEqual({ proxy: { mode: 'none' } });
    expect(asked).toEqual([]);
  });

  it('reuses an answer for a while, then asks again (a VPN may have changed it)', async () => {
    let answer = 'PROXY a:1';
    const { sp, asked, advance } = make(async () => answer);
    expect((await sp.apply(system, 'https://h.example/x')).proxy).toEqual({ mode: 'explicit', url: 'http://a:1' });
    answer = 'DIRECT';
    advance(999);
    expect((await sp.apply(system, 'https://h.example/y')).proxy).toEqual({ mode: 'explicit', url: 'http://a:1' });
    advance(2);
    expect((await sp.apply(system, 'https://h.example/z')).proxy).toEqual({ mode: 'none' });
    expect(asked).toHaveLength(2);
  });

  it('falls back to the environment variables, with one warning, when the answer is unusable or the OS cannot be asked', async () => {
    const socks = make(async () => 'SOCKS5 s:1080');
    expect(await socks.sp.apply(system, 'https://h.example/')).toBe(system);
    expect(await socks.sp.apply(system, 'https://h.example/')).toBe(system);
    expect(socks.warnings).toEqual([
      expect.stringMatching(
        /^The system proxy for https:\/\/h\.example is "SOCKS5 s:1080", which Courier cannot use.*explicit HTTP proxy in Settings → Network/,
      ),
    ]);

    const silent = new SystemProxy(() => new Promise<string>(() => undefined), { timeoutMs: 20, warn: (m) => socks.warnings.push(phraseText(m)) }); // a PAC server that never answers
    expect(await silent.apply(system, 'https://slow.example/')).toBe(system);
    expect(socks.warnings.at(-1)).toMatch(/slow\.example could not be read \(no answer in 0\.02 s\)/);

    const broken = make(() => Promise.reject(new Error('no session yet')));
    expect(await broken.sp.apply(system, 'https://h.example/')).toBe(system);
    expect(broken.warnings).toEqual([expect.stringMatching(/could not be read \(no session yet\); using the HTTP\(S\)_PROXY variables/)]);
  });
});
