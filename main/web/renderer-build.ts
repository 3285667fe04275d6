import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const rendererOutDir = join(repoRoot, 'out', 'renderer');

/** Builds the renderer with Vite when no build exists yet (first `npm run web` on a fresh clone). */
export async function ensureRendererBuilt(opts: { force?: boolean; log?: (line: string) => void } = {}): Promise<string> {
  if (!opts.force && existsSync(join(rendererOutDir, 'index.html'))) return rendererOutDir;
  opts.log?.('Building the user interface (first run only)…');
  const { build } = await import('vite');
  await build({ configFile: join(repoRoot, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  return rendererOutDir;
}
