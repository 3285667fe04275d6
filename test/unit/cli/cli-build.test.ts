// The compiled `courier` command: bin.mjs runs the build only while it is fresh, and the build's
// entry loads nothing heavy before a command runs (so --version and --help start fast), and
// pure-JS dependencies are bundled into it.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
// @ts-expect-error plain JS modules without types
import { buildCli } from '../../../scripts/build-cli.mjs';
// @ts-expect-error plain JS modules without types
import { CLI_BUILD_STAMP, CLI_SOURCES, freshBuild } from '../../../cli/build-freshness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'courier-cli-build-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('freshBuild', () => {
  const root = join(tmp, 'repo');
  const at = (path: string, seconds: number) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), 'x');
    utimesSync(join(root, path), seconds, seconds);
  };
  for (const p of CLI_SOURCES as string[]) at(/\.\w+$/.test(p) ? p : `${p}/a.ts`, 1000);
  at('main/core/transfer/deep/b.ts', 1000);

  test('no build: the sources', () => {
    expect(freshBuild(root, {})).toBe(false);
  });
  test('a build newer than every source: the build; COURIER_FROM_SOURCE forces the sources', () => {
    at(CLI_BUILD_STAMP, 2000);
    expect(freshBuild(root, {})).toBe(true);
    expect(freshBuild(root, { COURIER_FROM_SOURCE: '1' })).toBe(false);
  });
  test('one source edited after the build, however deep: the sources', () => {
    at('main/core/transfer/deep/b.ts', 3000);
    expect(freshBuild(root, {})).toBe(false);
    at('main/core/transfer/deep/b.ts', 1000);
    at('package.json', 3000);
    expect(freshBuild(root, {})).toBe(false);
  });
});

/**
 * Packages a built module imports statically (the ones loaded before any command runs). The
 * build is minified: `import{a as b}from"./chunk.mjs";` and `import"./chunk.mjs";`.
 */
function staticImports(dir: string, file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/(?:^|[;}])\s*(?:import|export)\s*(?:[{*\w][^;"]*?from\s*)?"([^"]+)"/gm)) {
    const spec = m[1]!;
    if (spec.startsWith('./')) for (const p of staticImports(dir, spec.slice(2), seen)) packages.add(p);
    else packages.add(spec);
  }
  return packages;
}

/** The source files (from the source maps) of these built modules. */
function sourcesOf(dir: string, files: Iterable<string>): string {
  return [...files].flatMap((f) => (JSON.parse(readFileSync(join(dir, `${f}.map`), 'utf8')) as { sources: string[] }).sources).join('\n');
}

/** The source files loaded with these built chunks: theirs and those of every module they import statically. */
function sourcesLoadedBy(dir: string, chunks: string[]): string {
  const seen = new Set<string>();
  for (const c of chunks) staticImports(dir, c, seen);
  return sourcesOf(dir, seen);
}

/** The build's chunk of this name (`<name>-<hash>.mjs`). */
function chunk(dir: string, name: string): string | undefined {
  return readdirSync(dir).find((n) => new RegExp(`^${name}-\\w+\\.mjs$`).test(n));
}

describe('courier --version', () => {
  test('prints the version in package.json, alone and as -v; with other arguments commander answers the same', () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    for (const args of [['--version'], ['-v'], ['-q', '--version']])
      expect(execFileSync(process.execPath, ['cli/bin.mjs', ...args], { encoding: 'utf8' })).toBe(`${version}\n`);
  }, 60_000);
});

describe('the CLI build', () => {
  test('its entry statically loads only Node built-ins and its own chunks, none with the core or heavy packages; the worker is built beside it', async () => {
    const outdir = join(tmp, 'out-cli');
    await buildCli({ quiet: true, outdir });
    const seen = new Set<string>();
    const external = [...staticImports(outdir, 'main.mjs', seen)].filter((p) => !builtinModules.includes(p.replace(/^node:/, '')));
    expect(external).toEqual([]);
    // What the loaded chunks were built from (their source maps): for --version and --help, commander.
    const loaded = sourcesOf(outdir, seen);
    expect(loaded).toContain('node_modules/commander/');
    for (const heavy of ['node_modules/zod/', 'node_modules/undici/', 'node_modules/conf/', 'required:better-sqlite3', 'main/core/transfer/'])
      expect(loaded).not.toContain(heavy);
    expect(readFileSync(join(outdir, 'transfer-worker.mjs'), 'utf8')).toContain('export');
  }, 60_000);

  test('what a transfer command loads before its first request (its context, its command) holds neither the jobs feature, the zip writer, the keyring nor node:http2', async () => {
    const outdir = join(tmp, 'out-cli');
    const [context, command] = [chunk(outdir, 'context'), chunk(outdir, 'transfer-commands')];
    expect(context && command).toBeDefined();
    const loaded = sourcesLoadedBy(outdir, [context!, command!]);
    expect(loaded).toContain('main/core/accounts/');
    expect(loaded).toContain('cli/transfer-run.ts');
    for (const unused of [
      'main/core/jobs/service.ts',
      'main/core/jobs/sweeps.ts',
      'main/core/jobs/outbox.ts',
      'main/core/handlers/',
      'main/core/archive/',
      'node_modules/csv-parse/',
      'node_modules/picomatch/',
      'node_modules/yazl/',
      // The key store is picked on first use, which a run with -p or RESCALE_API_KEY never makes.
      'required:@napi-rs/keyring',
    ])
      expect(loaded).not.toContain(unused);
    // undici's HTTP/2 side is bundled but loaded only for an h2 connection (scripts/build-cli.mjs).
    const script = `await import(${JSON.stringify(join(outdir, context!))}); console.log(process.moduleLoadList.filter((m) => /http2/.test(m)).length);`;
    // The build is outside the repository: its require()d packages are found through NODE_PATH.
    const env = { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules') };
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env }).trim()).toBe('0');
  }, 60_000);

  test('what a command that moves no file loads (its context, e.g. `status`) holds neither the transfer engine nor the request schemas', () => {
    const outdir = join(tmp, 'out-cli');
    const [context, command] = [chunk(outdir, 'context'), chunk(outdir, 'job-commands')];
    expect(context && command).toBeDefined();
    const loaded = sourcesLoadedBy(outdir, [context!, command!]);
    // The event hub validates with the events alone; the account cache seals with the sealer alone.
    expect(loaded).toContain('shared/contract/events.ts');
    expect(loaded).toContain('main/core/transfer/sealer.ts');
    for (const unused of [
      'main/core/transfer/index.ts',
      'main/core/transfer/service.ts',
      'main/core/transfer/engine.ts',
      'required:piscina',
      'shared/contract/index.ts',
      'shared/contract/transfers.ts',
      'shared/contract/jobs.ts',
      'shared/contract/accounts.ts',
      'shared/sweeps.ts',
    ])
      expect(loaded).not.toContain(unused);
  });

  test('what `courier jobs list` loads (its context, the whole core) holds the router and the contract, but not the transfer engine', () => {
    const outdir = join(tmp, 'out-cli');
    const [context, core] = [chunk(outdir, 'context'), chunk(outdir, 'courier')];
    expect(context && core).toBeDefined();
    const loaded = sourcesLoadedBy(outdir, [context!, core!]);
    expect(loaded).toContain('main/core/rpc/router.ts');
    expect(loaded).toContain('shared/contract/index.ts');
    // Opened (and imported) when the jobs feature first uploads an input.
    for (const unused of ['main/core/transfer/index.ts', 'main/core/transfer/service.ts', 'main/core/transfer/engine.ts', 'required:piscina'])
      expect(loaded).not.toContain(unused);
  });

  test('pure-JS packages are bundled; native ones and those that find their own files stay in node_modules', async () => {
    const outdir = join(tmp, 'out-cli');
    const all = new Set<string>();
    for (const f of readdirSync(outdir).filter((n) => n.endsWith('.mjs'))) {
      for (const p of staticImports(outdir, f)) all.add(p);
      // CommonJS packages are loaded with require() (scripts/build-cli.mjs: REQUIRED_EXTERNAL).
      for (const m of readFileSync(join(outdir, f), 'utf8').matchAll(/__require\("([^"]+)"\)/g)) all.add(m[1]!);
    }
    const external = [...all].filter((p) => !builtinModules.includes(p.replace(/^node:/, ''))).sort();
    expect(external).toEqual(expect.arrayContaining(['better-sqlite3', 'piscina', '@napi-rs/keyring']));
    for (const bundled of ['zod', 'undici', 'conf', 'commander', 'fast-xml-parser', 'aws4']) expect(external).not.toContain(bundled);
  });
});
