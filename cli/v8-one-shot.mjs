// V8 settings for a process that lives for one command: CPU spent optimizing code pays off only
// in a process that runs long enough to use it. Plain JS: cli/bin.mjs applies them before any
// other module loads, and the benchmark gives them to its Courier runs on the command line.
import { setFlagsFromString } from 'node:v8';

export const ONE_SHOT_V8_FLAGS = [
  // WebAssembly stays on V8's baseline compiler (Liftoff). undici parses HTTP with a wasm module,
  // and V8 then compiles that module again with its optimizing compiler on a background thread;
  // Node does not exit before such a task ends, so every command that made a request waited
  // ~140 ms of CPU at its end for code it would never run (a 1 KiB download: 0.56 s whole, 0.41 s
  // with this).
  '--liftoff-only',
  // JavaScript is optimized after 8× the default work in a function. On 2 cores, a 2,000-file
  // transfer had the optimizing compiler take ~1 CPU-s on V8's background threads, beside the
  // main and transfer threads that needed the cores; hot loops of a long transfer still get
  // optimized, a little later.
  '--interrupt-budget=540672',
];

export function tuneV8ForOneShot() {
  for (const flag of ONE_SHOT_V8_FLAGS) setFlagsFromString(flag);
}
