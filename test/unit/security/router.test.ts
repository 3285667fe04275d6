import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createCourier } from '../../../main/core/courier';
import { isTrustedSender } from '../../../main/core/security/sender';
import { requestChannel } from '../../../shared/contract';
import { MemorySecretStore } from '../../../main/core/secrets/store';

async function courier() {
  return createCourier({ shell: 'web', version: '1.2.3', dataDir: mkdtempSync(join(tmpdir(), 'courier-router-')), secrets: new MemorySecretStore() });
}

describe('the contract router', () => {
  test('dispatches a valid request and validates its output', async () => {
    const c = await courier();
    const r = await c.router.dispatch(requestChannel('app', 'info'), {}, { transport: 'memory' });
    expect(r).toMatchObject({ ok: true, value: { name: 'Courier', version: '1.2.3', shell: 'web' } });
  });

  test('rejects malformed input with a typed error naming the field', async () => {
    const c = await courier();
    const r = await c.router.dispatch(requestChannel('activity', 'list'), { limit: 'lots' }, { transport: 'memory' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_input');
      expect(r.error.field).toBe('limit');
      expect(r.error.message).toMatch(/^limit: /);
    }
  });

  test('an unknown channel is an error result, not a throw', async () => {
    const c = await courier();
    await expect(c.router.dispatch('courier:nope.nothing', {}, { transport: 'memory' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  test('a handler refusal carries its user-facing message and code', async () => {
    const c = await courier();
    const r = await c.router.dispatch(requestChannel('app', 'openExternal'), { url: 'file:///etc/passwd' }, { transport: 'memory' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'url' } });
    if (!r.ok) expect(r.error.message).toContain('Only http and https');
  });

  test('every contract channel has a handler', async () => {
    const c = await courier();
    expect(c.router.channels.length).toBeGreaterThan(0);
    for (const ch of c.router.channels) expect(ch).toMatch(/^courier:[a-z]+\.[a-zA-Z]+$/);
  });
});

describe('the trusted-sender guard', () => {
  const origin = 'app://courier';
  test('accepts the app page main frame only', () => {
    expect(isTrustedSender({ url: 'app://courier/index.html#/jobs', isMainFrame: true }, origin)).toBe(true);
  });
  test.each([
    ['a subframe of the app', { url: 'app://courier/index.html', isMainFrame: false }],
    ['another origin', { url: 'https://evil.example/', isMainFrame: true }],
    ['a look-alike host', { url: 'app://courier.evil/index.html', isMainFrame: true }],
    ['devtools', { url: 'devtools://devtools/bundled/inspector.html', isMainFrame: true }],
    ['file://', { url: 'file:///tmp/index.html', isMainFrame: true }],
    ['no frame', null],
  ])('rejects %s', (_name, frame) => {
    expect(isTrustedSender(frame, origin)).toBe(false);
  });
});
