import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { en } from '../../../renderer/src/i18n/en';
import { ja } from '../../../renderer/src/i18n/ja';

type Tree = { [k: string]: string | Tree };

function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

/** Strings that are the same in both languages on purpose: brand names, units, examples. */
const sameOnPurpose = new Set<string>(['app.title', 'time.seconds', 'time.minutes', 'time.hours', 'jobs.log', 'jobs.outputsState.none']);

/** File names, paths, globs and placeholders ({input}, <folder>, *.log, ~/Downloads) are code, not English. */
const code = /\S*[._/*{}<>~]\S*/g;

/** Words that may stay in Latin letters inside Japanese text (names, units, placeholders). */
const latinAllowed =
  /\b(JVHffb|MPI|Courier|Rescale|API|ID|URL|S3|GPU|CPU|PEM|TLS|PAC|HTTP_PROXY|HTTPS_PROXY|NO_PROXY|MiB\/s|MiB|GiB|KWallet|gnome-keyring|COURIER_KEY_STORE=file|Chainer|PyTorch|OpenFOAM|Space|Delete|Enter|R|h|min|s|OK|Web|CSV|JSON|ZIP|DNS|VPN|HPC|SSH|OS|SHA)\b/g;

describe('the Japanese UI has no English left', () => {
  const e = flatten(en as unknown as Tree);
  const j = flatten(ja as unknown as Tree);

  test('every English key has a Japanese string', () => {
    expect([...e.keys()].filter((k) => !j.has(k))).toEqual([]);
  });

  test('no Japanese string is a copy of the English one', () => {
    expect([...e].filter(([k, v]) => !sameOnPurpose.has(k) && j.get(k) === v).map(([k]) => k)).toEqual([]);
  });

  test('no Japanese string has an English word of three letters or more outside the allowed names', () => {
    const english = [...j]
      .filter(([k]) => !sameOnPurpose.has(k))
      .map(
        ([k, v]) =>
          [
            k,
            v
              .replace(code, '')
              .replace(latinAllowed, '')
              .match(/[A-Za-z]{3,}/g),
          ] as const,
      )
      .filter(([, words]) => words)
      .map(([k, words]) => `${k}: ${words!.join(' ')}`);
    expect(english).toEqual([]);
  });
});

// Activity entries of the jobs and settings services, and the errors main tags for the UI, are
// said in the person's language: an entry written as an English string, or an error key with no
// Japanese text, fails here.
describe('Activity entries and main errors reach the Japanese UI translated', () => {
  const root = join(__dirname, '../../..');
  const sources = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => join(e.parentPath, e.name));
  const services = [
    ...sources('main/core/jobs'),
    ...sources('main/core/settings'),
    ...['handlers/jobs.ts', 'handlers/files.ts', 'handlers/accounts.ts', 'courier.ts', 'transfer-opener.ts'].map((f) => join(root, 'main/core', f)),
  ];

  test('the jobs and settings services write Activity entries as phrases, never as English strings', () => {
    const english = services.flatMap((file) =>
      [
        ...readFileSync(file, 'utf8').matchAll(
          /activity\.(?:info|warn|error)\(\s*'(?:jobs|settings|transfers|accounts)',\s*[`'"]|\blog\??\.(?:info|warn|error)\(\s*[`'"]|\.warn\?\.\(\s*`/g,
        ),
      ].map((m) => `${file.slice(root.length + 1)}: ${m[0]}`),
    );
    expect(english).toEqual([]);
  });

  test('every error key main sends has a Japanese text', () => {
    const keys = sources('main/core').flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/text: \{ key: '(\w+)'/g)].map((m) => m[1]!));
    expect(keys.length).toBeGreaterThan(5);
    const j = flatten(ja as unknown as Tree);
    expect(keys.filter((k) => !j.has(`errors.${k}`))).toEqual([]);
  });
});
