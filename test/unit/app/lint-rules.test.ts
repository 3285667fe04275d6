import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

// The design rules are enforced by lint, not memory: these prove each rule fires where it must
// and stays quiet where the code is allowed.
// The files linted here exist only as text, outside every tsconfig: type-aware parsing (and the
// rules that need it) are off, the design rules checked here need no types.
const eslint = new ESLint({
  overrideConfig: [
    {
      files: ['**/*.ts', '**/*.tsx'],
      languageOptions: { parserOptions: { projectService: false } },
      rules: { '@typescript-eslint/switch-exhaustiveness-check': 'off', '@typescript-eslint/no-floating-promises': 'off' },
    },
  ],
});

async function messages(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('design lint rules', () => {
  test('importing electron in main/core fails lint', async () => {
    const found = await messages("import { app } from 'electron';\nexport const x = app;\n", 'main/core/example.ts');
    expect(found.join('\n')).toMatch(/no-restricted-imports: .*Only main\/app\/ and preload\/ may import electron/);
  });

  test('importing electron in the renderer, CLI or sandbox fails lint', async () => {
    for (const file of ['renderer/src/x.ts', 'cli/x.ts', 'sandbox/x.ts', 'shared/x.ts']) {
      const found = await messages("import { shell } from 'electron';\nexport const x = shell;\n", file);
      expect(found.join('\n'), file).toMatch(/no-restricted-imports/);
    }
  });

  test('ipcMain / ipcRenderer only in the bridge files', async () => {
    expect(await messages("import { ipcMain } from 'electron';\nexport const x = ipcMain;\n", 'main/app/window.ts')).toEqual([
      expect.stringMatching(/no-restricted-imports: .*typed contract/),
    ]);
    expect(await messages("import { ipcMain } from 'electron';\nexport const x = ipcMain;\n", 'main/app/ipc-bridge.ts')).toEqual([]);
    expect(await messages("import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n", 'preload/index.ts')).toEqual([]);
    expect(await messages("import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;\n", 'main/app/window.ts')).toEqual([]);
  });

  test('any is banned', async () => {
    const found = await messages('export function f(x: any): any { return x; }\n', 'shared/x.ts');
    expect(found.filter((m) => m.startsWith('@typescript-eslint/no-explicit-any')).length).toBe(2);
  });

  test('main/core may not import the sandbox except through platforms', async () => {
    expect((await messages("import { startSandbox } from '../../sandbox';\nexport const s = startSandbox;\n", 'main/core/jobs/x.ts')).join()).toMatch(
      /no-restricted-imports/,
    );
    expect(await messages("import { startSandbox } from '../../../sandbox';\nexport const s = startSandbox;\n", 'main/core/platforms/sandbox.ts')).toEqual([]);
  });

  test('the renderer may not import main-side code', async () => {
    expect((await messages("import { createCourier } from '../../main/core/courier';\nexport const c = createCourier;\n", 'renderer/src/x.ts')).join()).toMatch(
      /only through window.courier/,
    );
  });
});
