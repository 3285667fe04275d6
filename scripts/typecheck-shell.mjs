#!/usr/bin/env node
// Compiles main/app against the Electron stand-in's types (test/electron-standin): a member of
// Electron that the shell starts using and the stand-in lacks fails here, so the shell tests
// can never silently skip part of the shell. (The stand-in itself is typed as Picks of
// Electron's declarations, which the normal typecheck checks.) Electron's d.ts declares the
// 'electron' module globally, and such a declaration wins over `paths`; it is removed from
// the copy this program reads, while the Electron namespace the stand-in picks from stays.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const standin = join(root, 'test/electron-standin/index.ts');
const electronTypes = join(dirname(createRequire(import.meta.url).resolve('electron/package.json')), 'electron.d.ts');

const config = ts.getParsedCommandLineOfConfigFile(
  join(root, 'tsconfig.json'),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => console.error(d.messageText) },
);
if (!config) process.exit(2);
const options = { ...config.options, noEmit: true, paths: { electron: [standin] } };
const rootNames = ts.sys.readDirectory(join(root, 'main/app'), ['.ts']).concat(standin);

const host = ts.createCompilerHost(options);
const getSourceFile = host.getSourceFile.bind(host);
host.getSourceFile = (file, lang, ...rest) => {
  if (resolve(file) !== electronTypes) return getSourceFile(file, lang, ...rest);
  const text = readFileSync(file, 'utf8').replace(/declare module 'electron(\/\w+)?' \{[^}]*\}/g, '');
  return ts.createSourceFile(file, text, lang);
};

const program = ts.createProgram({ rootNames, options, host });
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length) {
  console.error('main/app uses Electron members the stand-in (test/electron-standin) lacks:');
  console.error(
    ts.formatDiagnosticsWithColorAndContext(diagnostics, { ...host, getNewLine: () => '\n', getCanonicalFileName: (f) => f, getCurrentDirectory: () => root }),
  );
  process.exit(1);
}
