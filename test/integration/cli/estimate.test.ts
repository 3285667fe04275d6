// `courier jobs estimate`: the hourly price and the total for the walltime (or --hours), computed
// from the prices the sandbox's catalog serves — read here over HTTP, never written into the test.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { runCourier, type CliResult } from '../../support/cli-run';
import { rest } from '../../support/jobs-env';

let sandbox: RunningSandbox;
let work: string;
let prices: Map<string, { price: unknown; lowPriorityPrice: unknown }>;

function courier(args: string[]): Promise<CliResult> {
  return runCourier(sandbox, work, args);
}

beforeAll(async () => {
  sandbox = await startSandbox({ jobSeconds: 3, token: 'estimate-token-1234567' });
  work = mkdtempSync(join(tmpdir(), 'courier-estimate-'));
  const page = await rest<{ results: { code: string; price: unknown; lowPriorityPrice: unknown }[] }>(sandbox, 'GET', '/api/v2/coretypes/?page_size=1000');
  prices = new Map(page.results.map((c) => [c.code, c]));
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('courier jobs estimate', () => {
  test('--json: hourly = catalog price × cores, total for the walltime, in USD', async () => {
    const r = await courier(['jobs', 'estimate', '--template', 'byos-cpu', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as Record<string, unknown>;
    const price = Number(prices.get('emerald')!.price);
    expect(price).toBeGreaterThan(0);
    // The preset: 4 Emerald cores, one slot, a 4-hour walltime.
    expect(e).toMatchObject({ coreType: 'emerald', cores: 4, hours: 4, currency: 'USD', lowPriority: false });
    expect(e['hourly']).toBeCloseTo(price * 4, 6);
    expect(e['total']).toBeCloseTo(price * 4 * 4, 6);
  });

  test('--hours overrides; a low-priority template uses the low-priority price (sent as a string)', async () => {
    const r = await courier(['jobs', 'estimate', '--template', 'chainer', '--hours', '2.5', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as Record<string, unknown>;
    const low = prices.get('obsidian')!.lowPriorityPrice;
    expect(typeof low).toBe('string');
    expect(e).toMatchObject({ coreType: 'obsidian', cores: 2, hours: 2.5, lowPriority: true });
    expect(e['hourly']).toBeCloseTo(Number(low) * 2, 6);
    expect(e['total']).toBeCloseTo(Number(low) * 2 * 2.5, 6);
  });

  test('no walltime and no --hours: the hourly price alone, and how to get a total', async () => {
    const json = await courier(['jobs', 'estimate', '--template', 'chainer', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ hours: null, total: null });
    const text = await courier(['jobs', 'estimate', '--template', 'chainer']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Hourly:\t\$\d+\.\d+ per hour \(USD\)$/m);
    expect(text.stdout).toMatch(/^Total:\tno walltime in the template: give --hours H for a total$/m);
  });

  test('a template whose core type has no price: "price not available", never 0', async () => {
    const tpl = {
      format: 'courier-job-template',
      version: 1,
      template: {
        id: 'mystery',
        name: 'Mystery',
        jobName: 'm',
        analysis: { code: 'user_included', version: '0' },
        hardware: { coreType: 'unobtainium', coresPerSlot: 2, slots: 1, walltimeHours: 3 },
        command: './run.sh',
      },
    };
    writeFileSync(join(work, 'mystery.json'), JSON.stringify(tpl));
    expect((await courier(['templates', 'import', join(work, 'mystery.json')])).code).toBe(0);
    const json = await courier(['jobs', 'estimate', '--template', 'mystery', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ coreType: 'unobtainium', cores: 2, hours: 3, hourly: null, total: null });
    const text = await courier(['jobs', 'estimate', '--template', 'mystery']);
    expect(text.stdout).toMatch(/^Hourly:\tprice not available$/m);
    expect(text.stdout).toMatch(/^Total:\tprice not available for 3 h$/m);
  });

  test('jobs watch and jobs show end with the final cost: hourly price × the run from Started to Completed', async () => {
    writeFileSync(join(work, 'run.sh'), '#!/bin/sh\n./solve\n');
    const sent = await courier(['jobs', 'submit', '--template', 'byos-cpu', '--input', join(work, 'run.sh')]);
    const jobId = /"jobId":"(\w+)"/.exec(sent.stdout)?.[1];
    expect(jobId, sent.stdout + sent.stderr).toBeTruthy();
    const watched = await courier(['jobs', 'watch', jobId!]);
    expect(watched.code, watched.stdout + watched.stderr).toBe(0);
    const statuses = await rest<{ results: { status: string; statusDate: string }[] }>(sandbox, 'GET', `/api/v2/jobs/${jobId}/statuses/`);
    const when = (w: string) => Date.parse(statuses.results.find((x) => x.status === w)!.statusDate);
    const hourly = Number(prices.get('emerald')!.price) * 4;
    const final = (hourly * (when('Completed') - when('Started'))) / 3_600_000;
    const line = /^cost {3}\$(\d+\.\d{4}) \(\$(\d+\.\d+) per hour, emerald × 4\); walltime 4 h$/m.exec(watched.stdout);
    expect(line, watched.stdout).not.toBeNull();
    expect(Number(line![1])).toBeCloseTo(final, 4);
    expect(Number(line![2])).toBeCloseTo(hourly, 6);
    const shown = await courier(['jobs', 'show', jobId!]);
    expect(shown.stdout).toContain(`  cost   $${line![1]} (`);
  });

  test('a template that does not exist: one ERROR line, exit 33', async () => {
    const r = await courier(['jobs', 'estimate', '--template', 'no-such-template']);
    expect(r.code).toBe(33);
    expect(r.stdout).toMatch(/ - ERROR - There is no template "no-such-template"/);
    const bad = await courier(['jobs', 'estimate', '--template', 'chainer', '--hours', 'ten']);
    expect(bad.code).toBe(33);
    expect(bad.stdout + bad.stderr).toMatch(/--hours .*Give a number of hours greater than 0/);
  });
});
