import { describe, expect, it } from 'vitest';
import { proxyFor } from '../../../main/core/net/dispatcher';
import { classifyNetworkError } from '../../../main/core/rescale/errors';

const api = 'https://platform.rescale.com/api/';

describe('which proxy a connection goes through (named in errors)', () => {
  it('explicit: the proxy URL without its credentials', () => {
    expect(proxyFor({ proxy: { mode: 'explicit', url: 'http://bob:secret@proxy.corp:3128', username: 'u', password: 'p' } }, api)).toBe(
      'http://proxy.corp:3128',
    );
  });

  it('never shows a password, even from a proxy setting that is not a URL', () => {
    expect(proxyFor({ proxy: { mode: 'system' } }, api, { HTTPS_PROXY: 'bob:secret@proxy.corp:3128' })).toBe('proxy.corp:3128');
    expect(proxyFor({ proxy: { mode: 'system' } }, api, { HTTPS_PROXY: 'bob:s3cr@t@proxy.corp' })).not.toContain('s3cr');
  });

  it('none: no proxy, whatever the environment says', () => {
    expect(proxyFor({ proxy: { mode: 'none' } }, api, { HTTPS_PROXY: 'http://p:1' })).toBeNull();
  });

  it('system: HTTPS_PROXY for https, HTTP_PROXY for http, lower case too', () => {
    const env = { HTTPS_PROXY: 'http://user:pw@secure.corp:8443', http_proxy: 'http://plain.corp:8080' };
    expect(proxyFor({ proxy: { mode: 'system' } }, api, env)).toBe('http://secure.corp:8443');
    expect(proxyFor({ proxy: { mode: 'system' } }, 'http://127.0.0.1:9000/', env)).toBe('http://plain.corp:8080');
    expect(proxyFor({ proxy: { mode: 'system' } }, api, {})).toBeNull();
  });

  it('system: NO_PROXY hosts, suffixes, ports and * are excluded', () => {
    const env = { HTTPS_PROXY: 'http://p.corp:1', HTTP_PROXY: 'http://p.corp:1' };
    const sys = { proxy: { mode: 'system' as const } };
    expect(proxyFor(sys, api, { ...env, NO_PROXY: 'localhost, .rescale.com' })).toBeNull();
    expect(proxyFor(sys, api, { ...env, NO_PROXY: 'rescale.com' })).toBeNull();
    expect(proxyFor(sys, api, { ...env, NO_PROXY: 'platform.rescale.com:8443' })).toBe('http://p.corp:1');
    expect(proxyFor(sys, api, { ...env, NO_PROXY: 'platform.rescale.com:443' })).toBeNull();
    expect(proxyFor(sys, api, { ...env, no_proxy: '*' })).toBeNull();
    expect(proxyFor(sys, api, { ...env, NO_PROXY: 'other.example' })).toBe('http://p.corp:1');
  });

  it('system: read as undici reads it (lower case first, empty is none, https falls back to the HTTP proxy, * only alone)', () => {
    const sys = { proxy: { mode: 'system' as const } };
    expect(proxyFor(sys, api, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1' })).toBe('http://lower:1');
    expect(proxyFor(sys, api, { https_proxy: '', HTTPS_PROXY: 'http://upper:1' })).toBeNull();
    expect(proxyFor(sys, api, { https_proxy: '', HTTP_PROXY: 'http://plain:1' })).toBe('http://plain:1');
    expect(proxyFor(sys, api, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'other.example, *' })).toBe('http://p:1');
    expect(proxyFor(sys, api, { HTTPS_PROXY: 'http://p:1', no_proxy: '', NO_PROXY: 'rescale.com' })).toBe('http://p:1');
    expect(proxyFor(sys, api, { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*.rescale.com' })).toBeNull();
  });

  it('a refused connection names the proxy when there is one', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyNetworkError(refused, 'platform.rescale.com', 'http://p.corp:1').message).toMatch(
      /^Cannot reach platform\.rescale\.com through the proxy http:\/\/p\.corp:1 \(ECONNREFUSED\)/,
    );
    expect(classifyNetworkError(refused, 'platform.rescale.com', null).message).toMatch(
      /^Cannot reach platform\.rescale\.com \(ECONNREFUSED\)\. Check your network/,
    );
  });
});
