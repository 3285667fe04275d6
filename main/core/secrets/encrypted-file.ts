import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { lockFile } from '../file-lock';
import { CourierError } from '../../../shared/errors';
import { writePrivateFile } from './private-file';
import type { SecretStore } from './store';

/** The file's name in the data folder: the app and the CLI find the same one. */
export const ENCRYPTED_KEY_FILE = 'keys.encrypted.json';
export const MIN_PASSPHRASE = 8;

// scrypt from node:crypto rather than a package: it is a memory-hard KDF built into Node, and its
// cost parameters are stored in the file so they can be raised later without breaking old files.
const DEFAULT_KDF = { N: 2 ** 15, r: 8, p: 1 };
// What a file may ask of scrypt: its memory is 128·N·r bytes, so a damaged or planted file with a
// huge N would make Courier try to allocate that much. Bounds well above any cost Courier writes.
const KDF_LIMITS = { N: 2 ** 20, r: 32, p: 16 };
const withinLimits = (k: { N: number; r: number; p: number }) =>
  [k.N, k.r, k.p].every((v) => Number.isInteger(v) && v > 0) && k.N <= KDF_LIMITS.N && (k.N & (k.N - 1)) === 0 && k.r <= KDF_LIMITS.r && k.p <= KDF_LIMITS.p;

interface Envelope {
  format: 'courier-keys';
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; iv: string; tag: string; data: string };
}

function scrypt(passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(passphrase.normalize('NFC'), salt, 32, opts, (e, key) => (e ? reject(e) : resolve(key))));
}

function damaged(file: string, why: string): CourierError {
  return new CourierError(
    'local_file',
    `The key file ${file} is damaged (${why}); Courier left it as it is. Restore it from a backup, or move it away and enter your API keys again.`,
  );
}

function parseEnvelope(file: string, text: string): Envelope {
  let e: Envelope;
  try {
    e = JSON.parse(text) as Envelope;
  } catch {
    throw damaged(file, 'it is not JSON');
  }
  const ok = e && e.format === 'courier-keys' && e.version === 1 && e.kdf?.name === 'scrypt' && e.cipher?.name === 'aes-256-gcm';
  const fields = ok && [e.kdf.salt, e.cipher.iv, e.cipher.tag, e.cipher.data].every((v) => typeof v === 'string') && withinLimits(e.kdf);
  if (!fields)
    throw damaged(file, 'it is not a Courier key file of a version this Courier reads, or asks for key-derivation costs beyond what Courier ever writes');
  return e;
}

/**
 * API keys in one file of the data folder, encrypted with AES-256-GCM under a key derived from a
 * passphrase (scrypt): for machines where no OS keychain answers. The file is 0600 and replaced
 * atomically; changes take a lock and re-read the file first, so the app and a CLI run writing
 * at the same time both keep their keys. A wrong passphrase never opens (or replaces) the file.
 */
export class EncryptedFileSecretStore implements SecretStore {
  readonly backend = 'encrypted-file';
  readonly secure = true;
  private constructor(
    readonly file: string,
    private readonly key: Buffer,
    private readonly kdf: Envelope['kdf'],
  ) {}

  static exists(file: string): boolean {
    return existsSync(file);
  }

  /** Opens an existing file: a wrong passphrase or a damaged file is an error that changes nothing. */
  static async open(file: string, passphrase: string): Promise<EncryptedFileSecretStore> {
    if (!existsSync(file)) throw new CourierError('not_found', `There is no key file at ${file}.`);
    const env = parseEnvelope(file, readFileSync(file, 'utf8'));
    const store = new EncryptedFileSecretStore(file, await scrypt(passphrase, Buffer.from(env.kdf.salt, 'base64'), env.kdf), env.kdf);
    store.decrypt(env);
    return store;
  }

  /** Creates the file with no keys; refuses to replace one that is there. */
  static async create(file: string, passphrase: string, kdf = DEFAULT_KDF): Promise<EncryptedFileSecretStore> {
    if (passphrase.length < MIN_PASSPHRASE) {
      throw new CourierError('invalid_input', `Choose a passphrase of at least ${MIN_PASSPHRASE} characters.`, {
        field: 'passphrase',
        text: { key: 'passphraseShort', params: { min: String(MIN_PASSPHRASE) } },
      });
    }
    if (existsSync(file)) throw new CourierError('conflict', `A key file is already at ${file}: open it with its passphrase instead of making a new one.`);
    const salt = randomBytes(16);
    const store = new EncryptedFileSecretStore(file, await scrypt(passphrase, salt, kdf), { name: 'scrypt', ...kdf, salt: salt.toString('base64') });
    await store.update(() => ({}), { creating: true });
    return store;
  }

  private decrypt(env: Envelope): Record<string, string> {
    if (env.kdf.salt !== this.kdf.salt) {
      throw new CourierError(
        'conflict',
        `The key file ${this.file} was replaced by another one since Courier opened it: restart Courier and enter that file's passphrase.`,
      );
    }
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(env.cipher.iv, 'base64'));
    d.setAuthTag(Buffer.from(env.cipher.tag, 'base64'));
    let plain: Buffer;
    try {
      plain = Buffer.concat([d.update(Buffer.from(env.cipher.data, 'base64')), d.final()]);
    } catch {
      throw new CourierError(
        'unauthorized',
        `This passphrase does not open the key file ${this.file}. Check the passphrase and try again (the file is unchanged).`,
        { field: 'passphrase', text: { key: 'passphraseWrong', params: {} } },
      );
    }
    try {
      return JSON.parse(plain.toString('utf8')) as Record<string, string>;
    } catch {
      throw damaged(this.file, 'its content is not readable');
    }
  }

  private encrypt(data: Record<string, string>): Envelope {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(JSON.stringify(data), 'utf8'), c.final()]);
    return {
      format: 'courier-keys',
      version: 1,
      kdf: this.kdf,
      cipher: { name: 'aes-256-gcm', iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), data: body.toString('base64') },
    };
  }

  private read(): Record<string, string> {
    if (!existsSync(this.file)) throw new CourierError('not_found', `The key file ${this.file} is gone: restart Courier to choose where keys are kept.`);
    return this.decrypt(parseEnvelope(this.file, readFileSync(this.file, 'utf8')));
  }

  /** Read, change, write under a lock, so two processes never lose each other's changes. */
  private async update(change: (cur: Record<string, string>) => Record<string, string>, opts: { creating?: boolean } = {}): Promise<void> {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 }); // the lock lives next to the file
    const release = await lockFile(this.file);
    try {
      if (opts.creating && existsSync(this.file))
        throw new CourierError('conflict', `A key file is already at ${this.file}: open it with its passphrase instead of making a new one.`);
      const cur = opts.creating ? {} : this.read();
      writePrivateFile(this.file, JSON.stringify(this.encrypt(change(cur))));
    } finally {
      await release();
    }
  }

  async get(name: string): Promise<string | null> {
    return this.read()[name] ?? null;
  }
  async set(name: string, secret: string): Promise<void> {
    await this.update((cur) => ({ ...cur, [name]: secret }));
  }
  async delete(name: string): Promise<void> {
    await this.update((cur) => {
      const next = { ...cur };
      delete next[name];
      return next;
    });
  }
}
