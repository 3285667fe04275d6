// Types of cli/v8-one-shot.mjs (plain JS: cli/bin.mjs loads it before any TypeScript loader).
export declare const ONE_SHOT_V8_FLAGS: readonly string[];
export declare function tuneV8ForOneShot(): void;
