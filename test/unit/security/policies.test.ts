import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildCsp } from '../../../main/core/security/csp';
import { resolveStaticPath } from '../../../main/core/security/static-files';
import { checkExternalUrl } from '../../../main/core/security/url-policy';
import { redact, registerSecret } from '../../../main/core/secrets/redact';

describe('static file containment', () => {
  const root = mkdtempSync(join(tmpdir(), 'courier-static-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<html></html>');
  test('maps / to index.html and assets inside the root', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
  });
  test.each(['/../secret', '/assets/../../etc/passwd', '/%2e%2e/etc/passwd', '/assets/', '/..%5c..%5cwin.ini', '/a%00b', '/%E0%A4%A'])('refuses %s', (p) => {
    expect(resolveStaticPath(root, p)).toBeNull();
  });
});

describe('external links', () => {
  test('allows http(s) only, without credentials', () => {
    expect(checkExternalUrl('https://platform.rescale.com/jobs/abc/')).toEqual({ ok: true, url: 'https://platform.rescale.com/jobs/abc/' });
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'smb://host/share', 'https://user:pw@evil.example/', 'not a url']) {
      expect(checkExternalUrl(bad).ok).toBe(false);
    }
  });
});

describe('CSP', () => {
  test('nothing inline, nothing remote', () => {
    const csp = buildCsp({ connectSrc: ['ws://127.0.0.1:1234'] });
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:1234");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe('secret redaction', () => {
  test('removes registered secrets and auth headers', () => {
    registerSecret('s3cr3t-api-key-value');
    expect(redact('failed with key s3cr3t-api-key-value!')).toBe('failed with key [redacted]!');
    expect(redact('Authorization: Token abcdefgh123')).toBe('Authorization: Token [redacted]');
    expect(redact('GET /x?X-Amz-Signature=deadbeef&a=1')).toBe('GET /x?X-Amz-Signature=[redacted]&a=1');
  });
});
