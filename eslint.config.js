// Design rules enforced by tooling rather than memory (the layers are described in README.md):
// - only main/app and preload may import `electron`;
// - only the two bridge files may touch ipcMain / ipcRenderer;
// - `any` is banned, so nothing untyped crosses the boundary;
// - main/core never imports the sandbox except through the platform list;
// - the renderer never imports Node-side code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

const electronBan = {
  name: 'electron',
  message: 'Only main/app/ and preload/ may import electron; main/core must stay plain Node (pass a port instead).',
};
const remoteBan = { name: '@electron/remote', message: 'The remote module is banned.' };
const zodNamedBan = {
  selector: "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z'][importKind!='type']",
  message: "Write `import * as z from 'zod'`: the named `z` makes the CLI build keep all of zod, every locale included (~440 KB more to parse at each start).",
};
const ipcBan = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Use the typed contract: only main/app/ipc-bridge.ts and preload/index.ts touch ipcMain/ipcRenderer.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'test/fixtures/**', 'out/**', 'release/**', 'test-results/**', 'bench/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [electronBan, remoteBan] }],
      'no-restricted-syntax': ['error', zodNamedBan],
    },
  },
  {
    // Type-aware rules (they read the tsconfig projects, so they cover TypeScript files only).
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A switch over a union must name every member (a `default` does not count), so adding a
      // member makes each place that must handle it fail to lint. Write the default as
      // `assertNever(x)` (shared/assert-never.ts) when one is needed for values from outside.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false }],
    },
  },
  {
    // A one-shot command's promise that nobody awaits ends the run with a stack trace (or its
    // result unknown) instead of the ERROR line and exit 33: every promise in the CLI is awaited
    // or handled with .catch, and `void` does not count as handling one.
    files: ['cli/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }] },
  },
  {
    // Small modules and functions (docs/ARCHITECTURE.md, "Habits"). A React component that is
    // mostly markup may run longer than a function of logic; translation tables are data.
    files: ['main/**/*.ts', 'cli/**/*.ts', 'sandbox/**/*.ts', 'shared/**/*.ts', 'preload/**/*.ts', 'renderer/src/**/*.{ts,tsx}'],
    ignores: ['renderer/src/i18n/**'],
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 80 }],
    },
  },
  {
    files: ['renderer/src/**/*.tsx'],
    rules: { 'max-lines-per-function': ['error', { max: 120 }] },
  },
  {
    files: ['main/app/**/*.ts', 'preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [ipcBan, remoteBan] }] },
  },
  {
    files: ['main/app/ipc-bridge.ts', 'preload/index.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [remoteBan] }] },
  },
  {
    files: ['main/core/**/*.ts'],
    ignores: ['main/core/platforms/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, remoteBan],
          patterns: [{ group: ['**/sandbox/**', '**/sandbox'], message: 'main/core reaches the sandbox only through main/core/platforms.' }],
        },
      ],
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, remoteBan],
          patterns: [{ group: ['**/main/**', '**/preload/**', 'node:*'], message: 'The renderer talks to main only through window.courier (the contract).' }],
        },
      ],
    },
  },
);
