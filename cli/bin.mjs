#!/usr/bin/env node
// Entry of the `courier` command. Runs the build in out/cli/ (scripts/build-cli.mjs, made by
// `npm ci` through `prepare`) when it is newer than every source it was built from; otherwise
// the TypeScript sources through tsx, so a developer who edits a file never runs stale code
// and a clone without a build still works (only slower to start: ~1 s more).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tuneV8ForOneShot } from './v8-one-shot.mjs';

// The reader of our output went away (`courier --help | head`): end as a tool killed by SIGPIPE
// would (exit 128 + 13), not with a stack trace. Node ignores SIGPIPE, so writes fail with EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(141);
  });
}

const args = process.argv.slice(2);

// The long-running `web` and `sandbox` keep V8's defaults: their optimized code gets used.
if (!args.includes('web') && !args.includes('sandbox')) tuneV8ForOneShot();
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // What the command table would print (main/core/version.ts reads the same field), without
  // loading it or checking the build: the version is all a script asking for it wants.
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const { freshBuild } = await import('./build-freshness.mjs');
  let main;
  if (freshBuild(fileURLToPath(new URL('..', import.meta.url)))) {
    ({ main } = await import('../out/cli/main.mjs'));
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    ({ main } = await import(new URL('./main.ts', import.meta.url).href));
  }
  await main(process.argv);
}
