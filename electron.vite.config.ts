import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// electron-vite builds main, preload and renderer in one command and works offline (it only
// reads electron/package.json). It is well kept, knows Electron's Node/Chrome targets, and
// emits a single CJS preload, which the sandboxed renderer requires.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The transfer worker is its own entry: piscina loads it by path inside the asar.
      rollupOptions: { input: { index: 'main/app/index.ts', 'transfer-worker': 'main/core/transfer/worker/index.ts' } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads can only load one CommonJS file: bundle zod and the contract in.
      externalizeDeps: false,
      rollupOptions: { input: { index: 'preload/index.ts' }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: 'renderer/index.html' },
    },
  },
});
