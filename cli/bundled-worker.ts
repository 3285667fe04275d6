import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The transfer worker to start: when this code runs from the CLI build (out/cli/*.mjs), the
 * worker built beside it, so the workers load plain JS too; from the sources, undefined (the
 * core's default, the tsx bootstrap next to the worker's sources).
 */
export function bundledWorkerFile(): string | undefined {
  if (!import.meta.url.endsWith('.mjs')) return undefined;
  const file = fileURLToPath(new URL('./transfer-worker.mjs', import.meta.url));
  return existsSync(file) ? file : undefined;
}
