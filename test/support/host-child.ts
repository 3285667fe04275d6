// A long-running Courier on a data folder, as the desktop app or `courier web` runs it (outbox,
// poller and output downloads on), for tests of two processes sharing one folder. With a
// platform URL and key it signs in to that account first (stored like the app stores it).
// Prints {"ready":true} when running; SIGTERM closes it.
import { join } from 'node:path';
import { createCourier } from '../../main/core/courier';
import { PlaintextFileSecretStore } from '../../main/core/secrets/file-store';

const [dataDir, apiUrl, s3Endpoint, token] = process.argv.slice(2) as [string, string?, string?, string?];
const courier = await createCourier({
  shell: 'web',
  version: '0.0.0-test',
  dataDir,
  secrets: new PlaintextFileSecretStore(join(dataDir, 'keys.plaintext.json')),
});
if (apiUrl && s3Endpoint && token) await courier.accounts.add({ platform: { kind: 'custom', apiUrl, s3Endpoint }, apiKey: token, label: 'Sandbox' });
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
const keepAlive = setInterval(() => undefined, 60_000);
process.once('SIGTERM', () => {
  clearInterval(keepAlive);
  void courier.close().finally(() => process.exit(0));
});
