import { runSandboxCli } from './index';

// Standalone entry: `npx tsx sandbox/main.ts --port 0 --data DIR` (the app wires the same function as `courier sandbox`).
await runSandboxCli(process.argv.slice(2));
