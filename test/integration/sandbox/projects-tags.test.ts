// The sandbox's projects and job tags, over raw HTTP (no Courier code): shapes, paging, the
// project check on create (v2 project_id and v3 projectId), tags add/remove/validation, and
// both surviving a restart on the same data folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';

let sb: RunningSandbox;
let dir: string;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${sb.apiUrl}${path}`, {
    method,
    headers: { Authorization: `Token ${sb.token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null };
}

const job = (extra: Record<string, unknown>, api = 'v2') => ({
  name: 'tagged',
  jobanalyses: [
    {
      analysis: { code: 'user_included', version: '0' },
      command: 'true',
      hardware: { coreType: api === 'v2' ? 'emerald' : { code: 'emerald' }, coresPerSlot: 1 },
    },
  ],
  ...extra,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-projects-'));
  sb = await startSandbox({ dataDir: join(dir, 'sb') });
});
afterAll(async () => {
  await sb?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('sandbox projects and job tags', () => {
  test('projects: paginated {id, name, ...}', async () => {
    const all = await call('GET', '/api/v2/users/me/projects/');
    expect(all.status).toBe(200);
    const page = all.json as { count: number; results: { id: string; name: string }[] };
    expect(page.count).toBe(3);
    expect(page.results.map((p) => [p.id, p.name])).toEqual([
      ['pRjCfd01', 'Wing CFD study'],
      ['pRjMl002', 'ML training'],
      ['pRjQa003', 'Quality assurance'],
    ]);
    const second = (await call('GET', '/api/v2/users/me/projects/?page=2&page_size=2')).json as { results: { id: string }[] };
    expect(second.results.map((p) => p.id)).toEqual(['pRjQa003']);
  });

  test('a job keeps its project (v2 project_id, v3 projectId); an unknown one is refused by field', async () => {
    const v2 = await call('POST', '/api/v2/jobs/', job({ project_id: 'pRjMl002' }));
    expect(v2.status).toBe(201);
    expect((v2.json as { projectId: string }).projectId).toBe('pRjMl002');
    const v3 = await call('POST', '/api/v3/jobs/', job({ projectId: 'pRjQa003' }, 'v3'));
    expect(((await call('GET', `/api/v3/jobs/${(v3.json as { id: string }).id}/`)).json as { projectId: string }).projectId).toBe('pRjQa003');
    expect(await call('POST', '/api/v2/jobs/', job({ project_id: 'nope' }))).toEqual({
      status: 400,
      json: { project_id: ['Invalid pk "nope" - object does not exist.'] },
    });
    expect(await call('POST', '/api/v3/jobs/', job({ projectId: 7 }, 'v3'))).toEqual({
      status: 400,
      json: { projectId: ['Invalid pk "7" - object does not exist.'] },
    });
    const none = await call('POST', '/api/v3/jobs/', job({}, 'v3'));
    expect((none.json as { projectId: unknown }).projectId).toBeNull();
  });

  test('tags: a bare array of {name, normalizedName}; add once, remove, refuse blanks, 404 for a stranger job', async () => {
    const id = ((await call('POST', '/api/v2/jobs/', job({}))).json as { id: string }).id;
    const path = `/api/v3/jobs/${id}/tags/`;
    expect(await call('GET', path)).toEqual({ status: 200, json: [] });
    expect(await call('POST', path, { name: 'Mesh 3' })).toEqual({ status: 201, json: { name: 'Mesh 3', normalizedName: 'mesh 3' } });
    await call('POST', path, { name: 'mesh 3' }); // the same tag, another case: kept once
    await call('POST', path, { name: 'baseline' });
    expect((await call('GET', path)).json).toEqual([
      { name: 'Mesh 3', normalizedName: 'mesh 3' },
      { name: 'baseline', normalizedName: 'baseline' },
    ]);
    expect((await call('DELETE', path, { name: 'MESH 3' })).status).toBe(204);
    expect((await call('DELETE', path, { name: 'never there' })).status).toBe(204);
    expect(await call('POST', path, { name: ' ' })).toEqual({ status: 400, json: { name: ['This field may not be blank.'] } });
    expect(await call('POST', path, {})).toEqual({ status: 400, json: { name: ['This field is required.'] } });
    expect((await call('GET', '/api/v3/jobs/NoSuch/tags/')).status).toBe(404);

    await sb.stop();
    sb = await startSandbox({ dataDir: join(dir, 'sb') });
    expect((await call('GET', path)).json).toEqual([{ name: 'baseline', normalizedName: 'baseline' }]);
  });
});
