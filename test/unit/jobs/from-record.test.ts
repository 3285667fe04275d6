// A job record, in the shapes the platform sends (v2 string coreType, real/v3 object coreType),
// read into a template draft; records that lack what a run needs are refused by name.
import { describe, expect, test } from 'vitest';
import { escapeBraces, draftFromRecord } from '../../../main/core/jobs/from-record';
import { fill } from '../../../main/core/jobs/placeholders';
import { jobRecord } from '../../../main/core/rescale/models';
import { ANALYSES, CORE_TYPES } from '../../../sandbox/api/catalog-data';

const catalog = {
  coreTypes: CORE_TYPES.map((c) => ({ code: c.code, name: c.name, cores: [...c.cores], gpu: c.gpuCount > 0 })),
  analyses: ANALYSES.map((a) => ({
    code: a.code,
    name: a.name,
    versions: a.versions.map((v) => ({ version: v.version, versionCode: v.versionCode, allowedCoreTypes: [...v.allowedCoreTypes] })),
  })),
};

const record = (coreType: unknown, extra: Record<string, unknown> = {}) =>
  jobRecord.parse({
    id: 'AbC12',
    name: 'train {lr} [cr-abcd1234]',
    isLowPriority: true,
    project_id: 'pRjMl002',
    jobanalyses: [
      {
        analysis: { code: 'chainer', version: '1.22.0-cuda8-gpu-centos', name: 'Chainer' },
        command: './run.sh ${HOME} {x}',
        useMpi: false,
        hardware: { coreType, coresPerSlot: 2, slots: 1, walltime: 5 },
        inputFiles: [{ id: 'FiLe01', name: 'run.sh', decryptedSize: '12' }],
        envVars: { LR: '0.1', 'bad-name': 'x', COUNT: 3 },
        ...extra,
      },
    ],
  });

describe('draftFromRecord', () => {
  test.each([
    ['a code string (v2)', 'obsidian'],
    ['an object (v3, the real platform)', { code: 'obsidian', name: 'Obsidian', cores: [2, 4, 8] }],
  ])('coreType as %s reads the same draft, which validates', (_what, coreType) => {
    const r = draftFromRecord(record(coreType), catalog);
    expect(r.issues).toEqual([]);
    expect(r.draft).toMatchObject({
      name: 'train {lr} (job AbC12)',
      jobName: 'train {{lr}}',
      analysis: { code: 'chainer', version: '1.22.0-cuda8-gpu-centos' },
      hardware: { coreType: 'obsidian', coresPerSlot: 2, slots: 1, walltimeHours: 5 },
      command: './run.sh ${HOME} {{x}}',
      inputs: [{ kind: 'file', id: 'FiLe01', name: 'run.sh' }],
      env: { LR: '0.1', COUNT: '3' },
      lowPriority: true,
      projectId: 'pRjMl002',
    });
    expect(r.notes).toEqual(['environment variable "bad-name" left out: its name is not one a template can hold']);
  });

  test('escaped braces fill back to the command the platform ran', () => {
    const cmd = 'echo {a} ${B} }{ {{c}}';
    expect(fill(escapeBraces(cmd), {}).text).toBe(cmd);
  });

  test.each([
    [{ hardware: null }, /it has no hardware \(jobanalyses\[0\]\.hardware is missing\)/, 'hardware'],
    [{ hardware: { coresPerSlot: 2 } }, /it names no core type/, 'hardware.coreType'],
    [{ analysis: { version: '1' } }, /it names no software \(jobanalyses\[0\]\.analysis\.code is missing\)/, 'analysis.code'],
    [{ analysis: { code: 'fluentx', version: '1' } }, /its software "fluentx" is not in this platform's software catalog/, 'analysis.code'],
    [
      { hardware: { coreType: { code: 'unobtainium' }, coresPerSlot: 1 } },
      /its core type "unobtainium" is not among this platform's active core types \(emerald, /,
      'hardware.coreType',
    ],
    [{ command: '  ' }, /it has no command/, 'command'],
  ])('an unreadable record is refused, naming what is missing (%#)', (extra, message, field) => {
    let err: unknown;
    try {
      draftFromRecord(record('obsidian', extra), catalog);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toMatch(/^Job AbC12 cannot be run again from its record: /);
    expect((err as Error).message).toMatch(message);
    expect((err as { field?: string }).field).toBe(field);
  });

  test('no analysis at all, or several', () => {
    expect(() => draftFromRecord(jobRecord.parse({ id: 'X1', jobanalyses: [] }), catalog)).toThrow(/lists no analysis/);
    const two = record('obsidian');
    expect(() => draftFromRecord({ ...two, jobanalyses: [two.jobanalyses[0]!, two.jobanalyses[0]!] }, catalog)).toThrow(
      /it has 2 analyses and a Courier template runs one/,
    );
  });

  test('what the catalog refuses more finely is an issue to fix, not a refusal', () => {
    const r = draftFromRecord(record('emerald'), catalog);
    expect(r.issues.map((i) => i.field)).toContain('hardware.coreType');
  });
});
