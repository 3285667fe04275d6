import { phraseText } from '../../../shared/activity-phrases';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CatalogView } from '../../../shared/jobs';
import { findPreset } from '../../../main/core/jobs/presets';
import { TemplateStore } from '../../../main/core/jobs/templates';
import { catalogIssues, checkTemplate } from '../../../main/core/jobs/validate';

const chainer = findPreset('chainer')!;
const valid = { ...chainer, id: 'mine' };

/** The first issue's field and message for a template with one change. */
function issue(change: Record<string, unknown>): { field: string; message: string } | undefined {
  return checkTemplate({ ...valid, ...change }).issues[0];
}

describe('template validation names the field and says why', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['empty name', { name: ' ' }, 'name', /give the template a name/],
    ['empty job name', { jobName: '' }, 'jobName', /give the job a name/],
    ['bad id', { id: 'Has Spaces' }, 'id', /lower-case/],
    ['no software', { analysis: { code: '', version: 'x' } }, 'analysis.code', /choose the software/],
    ['no version', { analysis: { code: 'chainer', version: '' } }, 'analysis.version', /choose a version/],
    ['no core type', { hardware: { coreType: '', coresPerSlot: 2 } }, 'hardware.coreType', /choose a core type/],
    ['fractional cores', { hardware: { coreType: 'obsidian', coresPerSlot: 1.5 } }, 'hardware.coresPerSlot', /whole number/],
    ['zero slots', { hardware: { coreType: 'obsidian', coresPerSlot: 2, slots: 0 } }, 'hardware.slots', /at least 1 slot/],
    [
      'walltime in seconds by mistake',
      { hardware: { coreType: 'obsidian', coresPerSlot: 2, walltimeHours: 3600 } },
      'hardware.walltimeHours',
      /walltime is in hours/,
    ],
    ['walltime as a string', { hardware: { coreType: 'obsidian', coresPerSlot: 2, walltimeHours: '2' } }, 'hardware.walltimeHours', /number/],
    ['low priority as the string "true"', { lowPriority: 'true' }, 'lowPriority', /boolean/],
    ['empty command', { command: '  ' }, 'command', /enter the command/],
    ['relative local input', { inputs: [{ kind: 'local', path: 'run.sh' }] }, 'inputs.0.path', /full path/],
    ['bad file id', { inputs: [{ kind: 'file', id: 'a/b' }] }, 'inputs.0.id', /letters and digits/],
    ['bad env var name', { env: { '1BAD': 'x' } }, 'env.1BAD', /environment variable names/],
    ['empty output filter', { outputs: { filters: [''] } }, 'outputs.filters.0', /cannot be empty/],
    ['unknown notify choice', { notify: 'sometimes' }, 'notify', /./],
    ['unknown placeholder', { command: './{input} {lr}' }, 'command', /unknown placeholder \{lr\}/],
    ['unknown placeholder in an env value', { env: { A: '{nope}' } }, 'env.A', /unknown placeholder \{nope\}/],
    ['parameter shadowing a built-in', { parameters: [{ name: 'input' }] }, 'parameters.0.name', /filled by Courier/],
    ['parameter declared twice', { parameters: [{ name: 'a' }, { name: 'a' }] }, 'parameters.1.name', /declared twice/],
  ];
  for (const [what, change, field, message] of cases) {
    test(what, () => {
      const i = issue(change);
      expect(i?.field).toBe(field);
      expect(i?.message).toMatch(message);
    });
  }

  test('the presets are valid', () => {
    expect(checkTemplate(chainer).issues).toEqual([]);
  });
});

describe('validation against the platform catalog', () => {
  const catalog: Pick<CatalogView, 'coreTypes' | 'analyses'> = {
    coreTypes: [
      { code: 'emerald', name: 'Emerald', cores: [1, 2, 4, 8], gpu: false },
      { code: 'obsidian', name: 'Obsidian', cores: [2, 4, 8], gpu: true },
    ],
    analyses: [
      {
        code: 'chainer',
        name: 'Chainer',
        versions: [
          { version: '1.22.0 (CUDA 8, GPU)', versionCode: '1.22.0-cuda8-gpu-centos', allowedCoreTypes: ['obsidian'] },
          { version: '1.22.0 (CPU)', versionCode: '1.22.0-cpu-centos', allowedCoreTypes: ['emerald'] },
        ],
      },
    ],
  };
  const issues = (change: Record<string, unknown>) => catalogIssues(checkTemplate({ ...valid, ...change }).template!, catalog);

  test('a fitting template has no issues', () => expect(issues({})).toEqual([]));
  test('unknown software', () =>
    expect(issues({ analysis: { code: 'abaqus', version: '2020' } })[0]).toEqual({
      field: 'analysis.code',
      message: 'the platform has no software with the code "abaqus"',
    }));
  test('a display version instead of the versionCode says which code to use', () =>
    expect(issues({ analysis: { code: 'chainer', version: '1.22.0 (CUDA 8, GPU)' } })[0]).toEqual({
      field: 'analysis.version',
      message: '"1.22.0 (CUDA 8, GPU)" is the display name; jobs need the version code "1.22.0-cuda8-gpu-centos"',
    }));
  test('an unknown version lists the available ones', () =>
    expect(issues({ analysis: { code: 'chainer', version: '9' } })[0]?.message).toMatch(
      /no version "9" \(available: 1.22.0-cuda8-gpu-centos, 1.22.0-cpu-centos\)/,
    ));
  test('a core type the version cannot use', () =>
    expect(issues({ hardware: { coreType: 'emerald', coresPerSlot: 2 } })[0]).toEqual({
      field: 'hardware.coreType',
      message: 'Chainer 1.22.0-cuda8-gpu-centos cannot run on Emerald (allowed: obsidian)',
    }));
  test('a core count the core type does not come in', () =>
    expect(issues({ hardware: { coreType: 'obsidian', coresPerSlot: 3 } })[0]).toEqual({
      field: 'hardware.coresPerSlot',
      message: 'Obsidian comes in 2, 4, 8 cores per slot, not 3',
    }));
  test('a core type that is gone', () => expect(issues({ hardware: { coreType: 'gpu-kepler', coresPerSlot: 2 } })[0]?.field).toBe('hardware.coreType'));
});

describe('the template store', () => {
  const store = () => new TemplateStore(mkdtempSync(join(tmpdir(), 'courier-tpl-')), () => 1_700_000_000_000);

  test('create, edit, duplicate, delete; stored 0600 in the data folder', async () => {
    const s = store();
    const { id: _drop, ...draft } = valid;
    const saved = await s.save({ ...draft, name: 'My Chainer' });
    expect(saved.id).toMatch(/^my-chainer-[0-9a-f]{6}$/);
    expect(statSync(s.file).mode & 0o777).toBe(0o600);
    const edited = await s.save({ ...saved, command: './{input} --epochs 3' });
    expect(edited.createdAt).toBe(saved.createdAt);
    expect(s.get(saved.id).template.command).toBe('./{input} --epochs 3');
    const copy = await s.duplicate(saved.id);
    expect(copy.name).toBe('My Chainer (copy)');
    expect(copy.id).not.toBe(saved.id);
    expect(await s.delete(saved.id)).toBe(true);
    expect(s.list().map((t) => t.id)).toEqual([copy.id]);
    expect(JSON.parse(readFileSync(s.file, 'utf8')).templates).toHaveLength(1);
  });

  test('saving refuses an invalid template with every problem named', async () => {
    await expect(store().save({ ...valid, name: '', command: './{input} {x}' })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'name',
      message: expect.stringMatching(/name: give the template a name/),
    });
    await expect(store().save({ ...valid, command: './{input} {x}' })).rejects.toMatchObject({
      field: 'command',
      message: expect.stringMatching(/unknown placeholder \{x\}/),
    });
  });

  test('presets: launchable by id or name, never overwritten or deleted', async () => {
    const s = store();
    expect(s.get('chainer')).toMatchObject({ builtIn: true, template: { jobName: 'Hello Chainer!' } });
    expect(s.get('Chainer GPU (Hello Chainer!)').template.id).toBe('chainer');
    await expect(s.save({ ...chainer })).rejects.toMatchObject({ code: 'conflict', field: 'id' });
    await expect(s.delete('chainer')).rejects.toMatchObject({ code: 'conflict' });
    expect(() => s.get('nope')).toThrow(/no template "nope".*built in: chainer/);
  });

  test('export then import round-trips; a clashing id gets a fresh one', async () => {
    const s = store();
    const saved = await s.save({ ...valid, id: 'gpu-run' });
    const { json, fileName } = s.export('gpu-run');
    expect(fileName).toBe('gpu-run.courier-template.json');
    expect(JSON.parse(json)).toMatchObject({ format: 'courier-job-template', version: 1, template: { id: 'gpu-run', hardware: { coreType: 'obsidian' } } });
    const again = await s.import(json);
    expect(again.id).not.toBe('gpu-run');
    expect({ ...again, id: 'gpu-run', createdAt: 0, updatedAt: 0 }).toEqual({ ...saved, createdAt: 0, updatedAt: 0 });
    const other = store();
    expect((await other.import(json)).id).toBe('gpu-run');
  });

  test('import errors are clear and name the field', async () => {
    const s = store();
    await expect(s.import('{oops')).rejects.toMatchObject({ field: 'json', message: expect.stringMatching(/not JSON/) });
    await expect(s.import(JSON.stringify({ format: 'something-else' }))).rejects.toThrow(/not a Courier job template/);
    await expect(s.import(JSON.stringify({ format: 'courier-job-template', version: 9, template: valid }))).rejects.toThrow(/newer Courier/);
    const bad = { format: 'courier-job-template', version: 1, template: { ...valid, hardware: { coreType: 'obsidian', coresPerSlot: 'two' } } };
    await expect(s.import(JSON.stringify(bad))).rejects.toMatchObject({ field: 'template.hardware.coresPerSlot' });
    expect(s.list()).toEqual([]);
  });

  test('a hand-broken entry in the file is kept, not dropped, and reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-tpl-'));
    const warnings: string[] = [];
    const s = new TemplateStore(dir, Date.now, (m) => warnings.push(phraseText(m)));
    await s.save({ ...valid, id: 'good' });
    const { writeFileSync } = await import('node:fs');
    const file = JSON.parse(readFileSync(s.file, 'utf8'));
    file.templates.push({ id: 'broken', name: 'x' });
    writeFileSync(s.file, JSON.stringify(file));
    await s.save({ ...valid, id: 'second' });
    expect(s.list().map((t) => t.id)).toEqual(['good', 'second']);
    expect(JSON.parse(readFileSync(s.file, 'utf8')).templates.map((t: { id: string }) => t.id)).toEqual(['good', 'second', 'broken']);
    expect(warnings[0]).toMatch(/could not be read/);
  });
});
