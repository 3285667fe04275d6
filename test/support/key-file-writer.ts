// A second process writing to the same encrypted key file: `node --import tsx key-file-writer.ts FILE PASS PREFIX COUNT`.
import { EncryptedFileSecretStore } from '../../main/core/secrets/encrypted-file';

const [file, passphrase, prefix, count] = process.argv.slice(2) as [string, string, string, string];
const store = await EncryptedFileSecretStore.open(file, passphrase);
for (let i = 0; i < Number(count); i++) await store.set(`${prefix}${i}`, `secret-${prefix}${i}`);
process.stdout.write('done\n');
