import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index';
import { apiClient, listResults, pollUntil, uploadAndRegister, type Obj } from './helpers';

// The hands-on tutorial's flow (seed/000_…): upload a script, create a Chainer GPU job with
// the tutorial's JSON body, submit, watch statuses, then fetch process_output.log.
const SCRIPT = `#!/bin/sh
wget https://github.com/pfnet/chainer/archive/v1.22.0.tar.gz
tar xzf v1.22.0.tar.gz
python chainer-1.22.0/examples/mnist/train_mnist.py -g 0

`;

let sb: RunningSandbox;
beforeAll(async () => {
  sb = await startSandbox({ jobSeconds: 2 });
});
afterAll(async () => {
  await sb?.stop();
});

describe('seed flow over HTTP', () => {
  it('uploads, creates the tutorial job verbatim, submits, completes and serves its log', async () => {
    const api = apiClient(sb);
    const FILENAME = 'run_chainer_from_API.sh';
    const { record } = await uploadAndRegister(sb, FILENAME, Buffer.from(SCRIPT));
    expect(record['id']).toMatch(/^[A-Za-z0-9]{6}$/);
    expect(record['decryptedSize']).toBe(SCRIPT.length);
    const FILE_ID = String(record['id']);

    // The tutorial's rescale.json, byte for byte (note the string "true" flags).
    const MY_JSON = `{
    "name": "Hello Chainer!",
    "jobanalyses": [
        {
            "useMpi": "true",
            "command": "./${FILENAME}",
            "analysis": {
                "code": "chainer",
                "name": "Chainer",
                "version": "1.22.0-cuda8-gpu-centos"
            },
            "hardware": {
                "coresPerSlot": 2,
                "slots": 1,
                "coreType": "obsidian"
            },
            "inputFiles": [
                {
                    "id":"${FILE_ID}"
                }
            ]

        }
    ],
    "isLowPriority": "true"
}`;
    const created = await api.post('/api/v2/jobs/', MY_JSON);
    expect(created.status, created.text).toBe(201);
    const JOB_ID = String(created.json['id']);
    expect(JOB_ID).toMatch(/^[A-Za-z0-9]{5}$/);
    const ja = (created.json['jobanalyses'] as Obj[])[0]!;
    expect(ja['useMpi']).toBe(true);
    expect((ja['hardware'] as Obj)['coreType']).toBe('obsidian');
    expect((ja['inputFiles'] as Obj[])[0]!['name']).toBe(FILENAME);
    expect(created.json['isLowPriority']).toBe(true);

    expect((await api.get(`/api/v2/jobs/${JOB_ID}/statuses/`)).json['count']).toBe(0);
    const submitted = await api.post(`/api/v2/jobs/${JOB_ID}/submit/`);
    expect(submitted.status).toBe(200);

    const statuses = await pollUntil(async () => {
      const res = await api.get(`/api/v2/jobs/${JOB_ID}/statuses/`);
      const results = listResults(res);
      return results[0]?.['status'] === 'Completed' ? results : undefined;
    }, 20_000);
    expect(statuses.map((s) => s['status'])).toEqual(['Completed', 'Executing', 'Validated', 'Started', 'Queued', 'Pending']);
    expect(statuses.every((s) => s['jobId'] === JOB_ID && typeof s['id'] === 'string')).toBe(true);
    const dates = statuses.map((s) => Date.parse(String(s['statusDate'])));
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);

    const list = await api.get('/api/v2/jobs/');
    expect((listResults(list)[0]!['jobStatus'] as Obj)['content']).toBe('Completed');

    const files = listResults(await api.get(`/api/v2/jobs/${JOB_ID}/files/`));
    const names = files.map((f) => f['name']);
    expect(names).toContain('process_output.log');
    expect(names).toContain('mnist_result.json');
    const log = files.find((f) => f['name'] === 'process_output.log')!;
    expect(log['pathParts']).toMatchObject({ container: sb.bucket, path: `${sb.storageDir}/output/job_${JOB_ID}/run1/process_output.log` });
    expect(log['fileChecksums']).toEqual([{ hashFunction: 'sha512', fileHash: expect.stringMatching(/^[0-9a-f]{128}$/) }]);
    expect(String(log['downloadUrl'])).toBe(`${sb.apiUrl}/api/v2/files/${String(log['id'])}/contents/`);

    const content = await api.get(`/api/v2/files/${String(log['id'])}/contents/`);
    expect(content.status).toBe(200);
    expect(content.text).toContain(`./${FILENAME}`);
    expect(content.text).toContain(FILENAME);
    expect(content.text).toContain('chainer 1.22.0-cuda8-gpu-centos');
    expect(content.text).toContain('obsidian');
    expect(Number(content.headers.get('content-length'))).toBe(log['decryptedSize']);

    const runs = listResults(await api.get(`/api/v2/jobs/${JOB_ID}/runs/`));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: '1', dateCompleted: expect.any(String) });
    const runFiles = listResults(await api.get(`/api/v2/jobs/${JOB_ID}/runs/1/files/`));
    expect(runFiles.map((f) => f['name']).sort()).toEqual([...names].sort());
  });
});
