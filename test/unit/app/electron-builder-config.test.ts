import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';

// Packaging needs downloads, so CI validates electron-builder.yml against electron-builder's
// own JSON schema (app-builder-lib/scheme.json) and checks the settings we depend on.
const require = createRequire(import.meta.url);
const schema = require('app-builder-lib/scheme.json') as object;
const config = load(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  return ajv.compile(schema);
}

describe('electron-builder.yml', () => {
  test("matches electron-builder's configuration schema", () => {
    const validate = validator();
    const ok = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the schema check can fail: an unknown key is rejected', () => {
    const validate = validator();
    expect(validate({ ...config, notAnOption: true })).toBe(false);
  });

  test('fuses are flipped the safe way', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  test('targets every desktop the issue names', () => {
    const targets = (os: string) => (config[os] as { target: { target: string; arch: string[] }[] }).target.map((t) => `${t.target}:${t.arch.join('+')}`);
    expect(targets('mac')).toEqual(['dmg:arm64+x64', 'zip:arm64+x64']);
    expect(targets('win')).toEqual(['nsis:x64+arm64']);
    expect(targets('linux')).toEqual(['AppImage:x64+arm64', 'deb:x64+arm64']);
    const mac = config.mac as Record<string, unknown>;
    expect(mac.hardenedRuntime).toBe(true);
    expect(readFileSync(String(mac.entitlements), 'utf8')).toContain('com.apple.security.cs.allow-jit');
    for (const icon of ['assets/icon.png', 'assets/trayTemplate.png', 'assets/tray-light.png', 'assets/tray-dark.png', 'assets/notification.png']) {
      expect(readFileSync(icon).subarray(1, 4).toString()).toBe('PNG');
    }
  });
});
