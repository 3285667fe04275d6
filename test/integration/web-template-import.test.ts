import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createCourier, type Courier } from '../../main/core/courier';
import { MemorySecretStore } from '../../main/core/secrets/store';
import { startWebHost, type WebHost } from '../../main/web/host';
import { contract, requestChannel } from '../../shared/contract';
import { call, openRpc, type Access } from '../support/hostile-client';

// The largest template file the contract allows must fit through the web host's WebSocket, written
// in a script that takes 3 bytes a character once encoded (the renderer sends the file as read).
const maxChars = contract.requests.templates.import.input.shape.json.maxLength!;
let courier: Courier;
let host: WebHost;
let access: Access;

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'courier-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  courier = await createCourier({ shell: 'web', version: '0.0.0', dataDir: mkdtempSync(join(tmpdir(), 'courier-web-')), secrets: new MemorySecretStore() });
  host = await startWebHost({ courier, rendererDir });
  const r = await request(host.url);
  access = { port: host.port, cookie: String(r.headers['set-cookie']).split(';')[0]!, origin: host.origin };
  await r.body.dump();
});
afterAll(async () => {
  await host.close();
  await courier.close();
});

/** A valid export file of exactly `chars` characters: environment values of Japanese text, then a description to pad. */
function templateFileOf(chars: number): string {
  const template = {
    id: 'large-one',
    name: 'Large template',
    description: '',
    jobName: 'large',
    analysis: { code: 'user_included', version: '0' },
    hardware: { coreType: 'emerald', coresPerSlot: 1 },
    command: './run.sh',
    env: {} as Record<string, string>,
  };
  const text = () => JSON.stringify({ format: 'courier-job-template', version: 1, template });
  for (let i = 0; chars - text().length > 2000; i++) {
    const overhead = `,"E${i}":""`.length;
    template.env[`E${i}`] = 'あ'.repeat(Math.min(10_000, chars - text().length - overhead));
  }
  template.description = 'x'.repeat(chars - text().length);
  return text();
}

test('a template file at the contract maximum imports over the WebSocket', async () => {
  expect(maxChars).toBeGreaterThan(0);
  const json = templateFileOf(maxChars);
  expect(json).toHaveLength(maxChars);
  const frameBytes = Buffer.byteLength(JSON.stringify({ t: 'req', id: 1, ch: requestChannel('templates', 'import'), input: { json } }));
  expect(frameBytes).toBeGreaterThan(2 * maxChars); // well past the old 1 MiB limit
  const ws = await openRpc(access);
  const r = await call(ws, 1, requestChannel('templates', 'import'), { json });
  expect(r.error).toBeUndefined();
  expect(r.value).toMatchObject({ template: { id: 'large-one', name: 'Large template' } });
  expect(Object.keys((r.value as { template: { env: object } }).template.env).length).toBeGreaterThan(90);

  // One character more is refused by the contract with a reason, on the same socket.
  const over = await call(ws, 2, requestChannel('templates', 'import'), { json: json + ' ' });
  expect(over).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  expect(over.error!.message).toMatch(/at most 1,000,000 characters/);
  ws.close();
});
