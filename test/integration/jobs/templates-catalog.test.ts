// Templates through the contract, checked against the sandbox's catalog — also when the
// platform is gone (the catalog's disk cache, with its age).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { jobsEnv, until, type JobsEnv } from '../../support/jobs-env';

let env: JobsEnv;
beforeAll(async () => {
  env = await jobsEnv();
});
afterAll(async () => env?.close());

test('the catalog comes from the platform, with its age, and is kept on disk', async () => {
  const c = await env.call('catalog', 'get', { refresh: true });
  expect(c).toMatchObject({ stale: false });
  expect(c.ageSeconds).toBeLessThan(5);
  expect(c.coreTypes.find((t) => t.code === 'obsidian')).toMatchObject({ gpu: true, cores: [2, 4, 8, 16, 32] });
  expect(c.analyses.find((a) => a.code === 'chainer')?.versions.map((v) => v.versionCode)).toContain('1.22.0-cuda8-gpu-centos');
});

test('saved templates are listed with what no longer fits the platform, field by field', async () => {
  const presets = await env.call('templates', 'presets', {});
  const chainer = presets.templates.find((t) => t.template.id === 'chainer')!;
  expect(chainer.issues).toEqual([]);
  const saved = await env.call('templates', 'save', {
    template: { ...chainer.template, id: undefined, name: 'Chainer, 3 cores', hardware: { coreType: 'obsidian', coresPerSlot: 3, slots: 1 } },
  });
  expect(saved.builtIn).toBe(false);
  expect(saved.issues).toEqual([{ field: 'hardware.coresPerSlot', message: 'Obsidian comes in 2, 4, 8, 16, 32 cores per slot, not 3' }]);
  const list = await env.call('templates', 'list', {});
  expect(list.templates.map((t) => t.template.id)).toEqual([saved.template.id, 'chainer', 'byos-cpu']);
  expect(list.catalogAgeSeconds).not.toBeNull();
  const v = await env.call('templates', 'validate', { template: { ...saved.template, analysis: { code: 'chainer', version: '1.22.0 (CPU)' } } });
  expect(v.ok).toBe(false);
  expect(v.issues.map((i) => i.field)).toEqual(['analysis.version', 'hardware.coresPerSlot']);
  expect(v.issues[0]?.message).toBe('"1.22.0 (CPU)" is the display name; jobs need the version code "1.22.0-cpu-centos"');
  // Launching it is refused before anything is queued, naming the field.
  const script = await env.file('run.sh', 'echo\n');
  await expect(env.call('jobs', 'launch', { templateId: saved.template.id, inputs: [{ path: script }] })).rejects.toMatchObject({
    rpc: { code: 'invalid_input', field: 'hardware.coresPerSlot' },
  });
  await expect(env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: `${script}.missing` }] })).rejects.toMatchObject({
    rpc: { code: 'local_file', field: 'inputs.0' },
  });
  await expect(env.call('jobs', 'launch', { templateId: 'chainer', inputs: [] })).rejects.toMatchObject({ rpc: { field: 'inputs' } });
  expect((await env.call('jobs', 'list', {})).outbox).toEqual([]);
});

test('export, then import on another machine (another data folder) — and import errors', async () => {
  const saved = (await env.call('templates', 'list', {})).templates.find((t) => !t.builtIn)!;
  const { json } = await env.call('templates', 'export', { id: saved.template.id });
  const copy = await env.call('templates', 'import', { json });
  expect(copy.template).toMatchObject({ name: saved.template.name, hardware: saved.template.hardware });
  await expect(env.call('templates', 'import', { json: json.replace('"coresPerSlot": 3', '"coresPerSlot": "3"') })).rejects.toMatchObject({
    rpc: { field: 'template.hardware.coresPerSlot' },
  });
  const dup = await env.call('templates', 'duplicate', { id: 'chainer', name: 'My GPU run' });
  expect(dup.template).toMatchObject({ name: 'My GPU run', jobName: 'Hello Chainer!' });
  expect(await env.call('templates', 'delete', { id: dup.template.id })).toEqual({ deleted: true });
});

test('with the platform gone, another Courier on the data folder still has the catalog, with its age', async () => {
  await env.stopSandbox();
  const other = await env.openCourier({ backgroundJobs: false });
  const r = await other.router.dispatch('courier:catalog.get', { refresh: false }, { transport: 'memory' });
  expect(r.ok).toBe(true);
  if (!r.ok) return;
  const c = r.value as { stale: boolean; ageSeconds: number; coreTypes: { code: string }[] };
  expect(c.stale).toBe(false);
  expect(c.coreTypes.map((t) => t.code)).toContain('obsidian');
  expect(c.ageSeconds).toBeGreaterThanOrEqual(0);
  const list = await other.router.dispatch('courier:templates.list', {}, { transport: 'memory' });
  expect(list.ok && (list.value as { templates: { issues: unknown[] }[] }).templates[0]?.issues).toHaveLength(1);
  // A launch still works offline: it is queued.
  const script = await env.file('run2.sh', 'echo\n');
  const launched = await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: script }] });
  expect(launched.state).toBe('queued');
  await until('it to wait for the connection', () => env.eventsOf('outboxChanged').find((e) => e.id === launched.id && e.waiting === 'connection'));
  expect((await env.call('jobs', 'cancelQueued', { id: launched.id })).state).toBe('cancelled');
});
