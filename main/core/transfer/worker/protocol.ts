// The messages between the scheduler (main thread) and the pool's workers.
// Everything here is plain data: it crosses threads by structured clone.
import type { ErrorInfo } from '../errors';
import type { NetworkOptions } from '../../net/dispatcher';
import type { AzureCredentials, S3Credentials, StorageCredentials } from '../ports';

/** One object (S3) or blob (Azure): `bucket` is the bucket or container, `key` the key or blob path. */
export interface StorageLoc<C extends StorageCredentials = StorageCredentials> {
  creds: C;
  bucket: string;
  key: string;
  /** How to reach the storage (proxy, extra CA, timeouts): the same settings as the API's. */
  net?: NetworkOptions;
}
export type S3Loc = StorageLoc<S3Credentials>;
export type AzureLoc = StorageLoc<AzureCredentials>;

/** Identity of a local file at the time its upload was planned. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export interface PartInfo {
  partNumber: number;
  etag: string;
  size: number;
}

export type Task =
  | { op: 'createMultipart'; slot: number; loc: StorageLoc; metadata: Record<string, string> }
  | {
      op: 'uploadPart';
      slot: number;
      loc: StorageLoc;
      uploadId: string;
      partNumber: number;
      path: string;
      offset: number;
      length: number;
      final: boolean;
      /** Capacity of the (pooled) ciphertext buffer: the file's part size + 16, same for all its parts. */
      bufferSize: number;
      key: Uint8Array;
      iv: Uint8Array;
      stamp: FileStamp;
      /** Resume: the storage already lists this part; only compare its tag (S3 ETag, Azure block id) with our ciphertext's. */
      verifyEtag?: string;
    }
  | {
      op: 'putObject';
      slot: number;
      loc: StorageLoc;
      path: string;
      key: Uint8Array;
      iv: Uint8Array;
      metadata: Record<string, string>;
      /** The file must still be this; without it, whatever the worker's fstat finds is used (and returned). */
      stamp?: FileStamp;
      /** Larger than this (it grew since queued): nothing is sent, `tooLarge` comes back. */
      maxSize: number;
    }
  | { op: 'listParts'; slot: number; loc: StorageLoc; uploadId: string }
  | {
      op: 'completeMultipart';
      slot: number;
      loc: StorageLoc;
      uploadId: string;
      parts: { partNumber: number; etag: string }[];
      /** Azure sets the blob's metadata at commit (S3 took it when the upload started). */
      metadata: Record<string, string>;
    }
  | { op: 'abortMultipart'; slot: number; loc: StorageLoc; uploadId: string }
  | { op: 'headObject'; slot: number; loc: StorageLoc }
  | { op: 'hashFile'; slot: number; path: string; stamp?: FileStamp; follow?: { total: number } }
  | {
      op: 'downloadRange';
      slot: number;
      loc: StorageLoc;
      path: string;
      cipherOffset: number;
      cipherLength: number;
      final: boolean;
      key: Uint8Array;
      /** The record's IV, for cipherOffset 0 when the object's answer carries no `iv` metadata. */
      iv?: Uint8Array;
      /** The record's size: the object's (from Content-Range) must be its encrypted size. */
      decryptedSize: number;
      /** Only from this version of the object (If-Match), once a range's answer has named it. */
      etag?: string;
    }
  | {
      op: 'downloadWhole';
      slot: number;
      loc: StorageLoc;
      path: string;
      key: Uint8Array;
      /** From the file record, used only when the object has no `iv` metadata. */
      iv?: Uint8Array;
      decryptedSize: number;
    }
  /** Benchmark: the upload path without the network (read parts of `path` and chain-encrypt them), or raw cipher speed without `path`. */
  | { op: 'cryptoBench'; slot: number; bytes: number; chunk: number; path?: string };

export interface TaskResults {
  createMultipart: { uploadId: string };
  uploadPart: { etag: string; cipherLength: number; lastBlock: Uint8Array; adopted: boolean };
  putObject: { tooLarge: true; stamp: FileStamp } | { tooLarge: false; sha512: string; cipherLength: number; stamp: FileStamp };
  listParts: { exists: false } | { exists: true; parts: PartInfo[] };
  completeMultipart: { etag?: string };
  abortMultipart: Record<string, never>;
  headObject: { exists: false } | { exists: true; size: number; etag?: string; metadata: Record<string, string> };
  hashFile: { sha512: string; bytes: number };
  /** `etag`: the version of the object the range came from (null if the storage gave none). */
  downloadRange: { plainBytes: number; etag: string | null };
  downloadWhole: { sha512: string; plainBytes: number };
  cryptoBench: { seconds: number };
}

export type Op = Task['op'];
export type TaskOf<K extends Op> = Extract<Task, { op: K }>;
export type TaskResult<K extends Op> = { ok: true; value: TaskResults[K] } | { ok: false; error: ErrorInfo };

export interface WorkerInit {
  ctrl: SharedArrayBuffer;
  nums: SharedArrayBuffer;
  bw: SharedArrayBuffer;
  /** Large downloads bypass the page cache where the file system allows it (direct-io.ts). */
  directIo: boolean;
  /** Object GETs on direct connections use socket-get.ts rather than undici. */
  socketGet: boolean;
}
