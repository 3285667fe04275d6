// Whether the CLI build in out/cli/ may run: it exists and is newer than every file it was
// built from. Plain JS (cli/bin.mjs loads it before any TypeScript loader). Statting the
// ~220 source files takes a few milliseconds.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Everything the CLI build is made from (node_modules stays external to it). */
export const CLI_SOURCES = ['cli', 'main/core', 'main/web', 'shared', 'sandbox', 'package.json', 'scripts/undici-slim.mjs'];
export const CLI_BUILD_STAMP = 'out/cli/stamp';

function newerThan(path, time) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs > time;
  return readdirSync(path).some((name) => newerThan(join(path, name), time));
}

/** COURIER_FROM_SOURCE=1 forces the sources (tsx), e.g. to compare the two. */
export function freshBuild(root, env = process.env) {
  if (env.COURIER_FROM_SOURCE) return false;
  try {
    const built = statSync(join(root, CLI_BUILD_STAMP)).mtimeMs;
    return !CLI_SOURCES.some((p) => newerThan(join(root, p), built));
  } catch {
    return false; // no build (or a source folder missing): run the sources
  }
}
