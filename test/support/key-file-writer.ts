// A second process writing to the same encrypted key file: `node --import tsx key-file-writer.ts FILE PASS PREFIX COUNT`.
// It opens the file, says "ready", and writes only when told "go" on stdin, so two writers overlap.
import { EncryptedFileSecretStore } from '../../main/core/secrets/encrypted-file';

const [file, passphrase, prefix, count] = process.argv.slice(2) as [string, string, string, string];
const store = await EncryptedFileSecretStore.open(file, passphrase);
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
for (let i = 0; i < Number(count); i++) await store.set(`${prefix}${i}`, `secret-${prefix}${i}`);
process.stdout.write('done\n');
process.exit(0);
