import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { SandboxOptions } from './options';
import type { StorageType } from './storage/blobs';
import { StateStore, type SandboxState } from './store/state';
import { ensureDir } from './util/fsx';
import { hexToken, secretKey, shortId, staticAccessKeyId } from './util/ids';

/**
 * The sandbox's data dir: made (or reused), locked against a second sandbox, and its account
 * state opened or created. Separate from startSandbox so starting reads as a list of steps.
 */

export interface OpenDataDir {
  dataDir: string;
  /** A temp dir the sandbox made itself is removed on stop (tests start hundreds of sandboxes). */
  removeOnStop: boolean;
  /** Gives the data dir's lock back. */
  release: () => Promise<void>;
  store: StateStore;
}

function initialState(token: string | undefined): SandboxState {
  const [lib, jobs] = [shortId(), shortId()];
  const userId = shortId(5);
  const now = Date.now();
  return {
    version: 1,
    token: token ?? hexToken(20),
    admin: { accessKeyId: staticAccessKeyId(), secretAccessKey: secretKey() },
    user: {
      id: userId,
      email: 'sandbox-user@example.com',
      fullName: 'Sandbox User',
      companyCode: 'sandbox',
      workspaceId: shortId(5),
      storageId: shortId(5),
      myLibrary: lib,
      myJobs: jobs,
    },
    seq: 0,
    files: {},
    folders: {
      [lib]: { id: lib, name: 'My Library', parentId: null, ownerId: userId, dateInserted: now },
      [jobs]: { id: jobs, name: 'My Jobs', parentId: null, ownerId: userId, dateInserted: now },
    },
    jobs: {},
    credentials: {},
  };
}

export async function openDataDir(opts: SandboxOptions): Promise<OpenDataDir> {
  const dataDir = path.resolve(opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'courier-sandbox-'))));
  const removeOnStop = !opts.dataDir && !opts.keepDataDir;
  await ensureDir(dataDir);
  const release = await lockfile
    .lock(dataDir, { stale: 30_000, update: 10_000, realpath: false, lockfilePath: path.join(dataDir, '.lock') })
    .catch((err: Error) => {
      throw new Error(`sandbox data dir ${dataDir} is in use by another sandbox (${err.message})`);
    });
  const store = await StateStore.open(dataDir, () => initialState(opts.token));
  if (opts.token && store.state.token !== opts.token) {
    store.state.token = opts.token;
    await store.commit();
  }
  return { dataDir, removeOnStop, release, store };
}

/**
 * A data dir keeps its account on the storage it was made with: its records and bytes live in
 * one of the two stores, so starting it on the other would serve records with no data.
 */
export async function claimStorage(store: StateStore, type: StorageType, dataDir: string): Promise<void> {
  const held = store.state.storageType ?? (Object.keys(store.state.files).length > 0 ? 'S3Storage' : undefined);
  if (held && held !== type) {
    const flag = held === 'AzureStorage' ? '--storage azure' : '--storage s3';
    throw new Error(`sandbox data dir ${dataDir} holds an account on ${held}: start it with ${flag} (storage: '${flag.slice(10)}'), or use another data dir`);
  }
  if (store.state.storageType !== type) {
    store.state.storageType = type;
    await store.commit();
  }
}
