import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

// scripts/start.sh from a fresh clone where the Electron download fails: one line says so
// (no npm stack trace), the install is retried without Electron, and an EBADENGINE warning from
// packaging-only packages is one explained line. npm is a stand-in that behaves like that.
const fakeNpm = `#!/usr/bin/env bash
if [ "$1" = ci ]; then
  if [ -z "\${ELECTRON_SKIP_BINARY_DOWNLOAD:-}" ]; then
    echo "npm error path /x/node_modules/electron"; echo "npm error command sh -c node install.js"
    echo "npm error RequestError: getaddrinfo ENOTFOUND github.com"; echo "npm error     at ClientRequest.<anonymous> (/x/got/index.js:1:1)"
    exit 1
  fi
  echo "npm warn EBADENGINE Unsupported engine { package: '@electron/rebuild@4.2.1', required: { node: '>=22.12.0' } }"
  mkdir -p node_modules; exit 0
fi
echo "npm $*"
`;

function run(dir: string): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    // A newcomer's shell: CI exports ELECTRON_SKIP_BINARY_DOWNLOAD, a fresh terminal does not.
    const { ELECTRON_SKIP_BINARY_DOWNLOAD: _skip, ...env } = process.env;
    execFile(
      'bash',
      [join(dir, 'scripts', 'start.sh')],
      { env: { ...env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, DISPLAY: '' } },
      (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('scripts/start.sh', () => {
  test('a failed Electron download is one line, then the web host starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-start-'));
    mkdirSync(join(dir, 'scripts'));
    mkdirSync(join(dir, 'bin'));
    copyFileSync(resolve('scripts/start.sh'), join(dir, 'scripts', 'start.sh'));
    writeFileSync(join(dir, 'package-lock.json'), '{}');
    writeFileSync(join(dir, 'bin', 'npm'), fakeNpm);
    chmodSync(join(dir, 'bin', 'npm'), 0o755);
    const r = await run(dir);
    expect(r.code, r.out).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('Installing packages…');
    expect(lines[1]).toMatch(/^The Electron binary could not be downloaded; installing without it \(the web host works without it; details: .+\.log\)\.$/);
    expect(lines[2]).toBe(
      "Note: npm warned EBADENGINE: electron-builder's packaging tools want Node 22.12+. Running Courier and its tests needs Node 20.19+; only packaging the desktop app (electron-builder) needs 22.12+.",
    );
    expect(lines.slice(3)).toEqual(['No Electron binary or display here: starting Courier in your browser instead.', 'npm run web --']);
    expect(r.out).not.toMatch(/npm error|at ClientRequest/);
  });
});
