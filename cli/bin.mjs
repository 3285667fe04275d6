#!/usr/bin/env node
// Entry of the `courier` command. Runs the TypeScript sources through tsx so a fresh clone
// works after `npm ci` with no build step (the Electron app is bundled separately).
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('./main.ts', import.meta.url).href);
await main(process.argv);
