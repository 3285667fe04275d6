#!/usr/bin/env node
// Builds the `courier` command into out/cli/ (gitignored): cli/main.ts and the transfer worker,
// bundled by esbuild as ES modules with code splitting, node_modules left external.
//
// Why a build at `npm ci` (the `prepare` script) rather than committed output: the output would
// churn in every commit that touches the core and could silently disagree with the sources it
// came from; `prepare` runs on `npm ci` / `npm install` in a clone, so a fresh clone still needs
// only the README's commands. esbuild is a devDependency, which a clone installs too. cli/bin.mjs
// uses this build only while it is newer than every source file, and otherwise falls back to
// running the sources through tsx, so an edited source never runs stale.
//
// Why splitting: `courier --version` and `--help` must load almost nothing; subcommands are
// imported lazily, and each lazy import becomes a chunk of its own.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Left to node_modules: native addons (better-sqlite3, the keyring), packages that find files
 * of their own at run time (piscina starts its worker from its folder, `open` ships xdg-open),
 * and what only `courier web` or `courier sandbox` load (ws, vite). Everything else (zod, conf,
 * undici, commander, ...) is bundled: resolving and reading their hundreds of small files was
 * most of a transfer command's start-up.
 */
const BUNDLE_EXTERNAL = ['better-sqlite3', '@napi-rs/keyring', 'piscina', 'open', 'ws', 'vite', 'electron', 'tsx', 'tsx/*', 'esbuild'];

/**
 * External CommonJS packages the bundle loads through require() rather than `import`: Node
 * imports a CommonJS module into an ES module by first scanning its source (and every file it
 * re-exports) for export names, ~110 ms of a transfer command's start for these three, of which
 * require() does nothing. Each becomes a tiny CommonJS module, `module.exports = require(...)`,
 * and esbuild's interop hands its exports to the importers as before.
 */
const REQUIRED_EXTERNAL = ['better-sqlite3', '@napi-rs/keyring', 'piscina'];
const requireExternals = {
  name: 'require-externals',
  setup(b) {
    const filter = new RegExp(`^(${REQUIRED_EXTERNAL.map((m) => m.replace(/[/.-]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (a) => (a.namespace === 'required' ? { path: a.path, external: true } : { path: a.path, namespace: 'required' }));
    b.onLoad({ filter: /.*/, namespace: 'required' }, (a) => ({ contents: `module.exports = require(${JSON.stringify(a.path)});`, loader: 'js' }));
  },
};

/**
 * Courier's own `import ... from 'undici'` gets scripts/undici-slim.mjs: request() and the
 * dispatchers without the rest of undici's index (fetch, WebSocket, caches, mocks), which every
 * thread otherwise parses and runs at every start. Packages in node_modules keep the real one.
 *
 * And undici's client loads its HTTP/2 side (client-h2.js, which loads node:http2) at start,
 * for connections that negotiate h2, which Courier's never ask for (no allowH2): it gets a
 * stand-in that loads the real one on the first such connection (~10-15 ms of every thread's start).
 */
const H2_STAND_IN = `let real;
module.exports = function connectH2(client, socket) {
  real ??= require('undici/lib/dispatcher/client-h2.js');
  return real(client, socket);
};`;
const slimUndici = {
  name: 'slim-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (a) => (a.importer.includes('node_modules') ? undefined : { path: `${root}scripts/undici-slim.mjs` }));
    b.onResolve({ filter: /^\.\/client-h2\.js$/ }, (a) =>
      /undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/.test(a.importer) ? { path: 'client-h2', namespace: 'lazy-h2' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-h2' }, () => ({ contents: H2_STAND_IN, loader: 'js', resolveDir: root }));
  },
};

/** Builds into `outdir` (out/cli/ by default; the tests build into a folder of their own). */
export async function buildCli({ quiet = false, outdir = `${root}out/cli` } = {}) {
  const t0 = performance.now();
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { main: 'cli/main.ts', 'transfer-worker': 'main/core/transfer/worker/index.ts' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Pure-JS dependencies are bundled (see BUNDLE_EXTERNAL below for what is not).
    external: BUNDLE_EXTERNAL,
    plugins: [requireExternals, slimUndici],
    // CommonJS dependencies inside an ES module bundle still call require() for Node's own modules.
    // undici's cookie helpers brand-check against the global Headers too; reading that global
    // makes Node load and compile its own internal copy of undici (~160 ms of CPU per command)
    // for helpers Courier never calls.
    define: { 'globalThis.Headers': 'undefined' },
    banner: { js: "import { createRequire as __courierRequire } from 'node:module'; const require = __courierRequire(import.meta.url);" },
    outdir,
    outExtension: { '.js': '.mjs' },
    // Entries and chunks side by side, two folders below the repository, as the sources are:
    // modules that find files relative to themselves (main/web/renderer-build.ts: '../..' is
    // the repository) resolve the same from the build.
    chunkNames: '[name]-[hash]',
    sourcemap: 'linked',
    // Whitespace and syntax only: every command parses ~2 MB of these modules (each worker
    // thread its own copy), and a third less to read and parse is a measurable part of the
    // start. Identifiers keep their names, so error classes and stack traces stay readable
    // (and the linked source map leads back to the sources).
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: quiet ? 'error' : 'warning',
  });
  // Written last: cli/bin.mjs compares the sources' times against this file's.
  writeFileSync(`${outdir}/stamp`, `${new Date().toISOString()}\n`);
  if (!quiet) console.log(`CLI built into ${outdir} (${Math.round(performance.now() - t0)} ms)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli({ quiet: process.argv.includes('--quiet') });
