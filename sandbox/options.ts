export interface SandboxOptions {
  /** API port; 0 (default) = any free port. */
  port?: number;
  /** S3 port; 0 (default) = any free port. */
  s3Port?: number;
  /** Where state and objects live; a fresh temp dir when omitted. Reusing it restores everything. */
  dataDir?: string;
  /** Keep the temp dir made when `dataDir` is omitted (default: it is deleted on stop). */
  keepDataDir?: boolean;
  /** API token; random when omitted (a stored one is reused for an existing dataDir). */
  token?: string;
  /** Simulated run time from submit to Completed (default 10 s). */
  jobSeconds?: number;
  /** Mount the /__sandbox/ control routes (fault injection, stats, rate-limit switch). */
  faults?: boolean;
  /** Lifetime of keys from /credentials/ (default 900 s). */
  credentialTtlSeconds?: number;
  /** Start with the platform's rate limits switched on (default off). */
  rateLimits?: boolean;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** S3 region announced in users/me and enforced in SigV4 scopes (default ap-northeast-1). */
  region?: string;
  /** Bucket of the default storage (default sandbox-rescale-platform). */
  bucket?: string;
  /**
   * Where S3 really keeps the bucket (default: `region`). Set apart from `region` to play a
   * storage whose records name the wrong region: S3 then refuses requests signed for `region`
   * with a region error naming this one (`x-amz-bucket-region`, `<Region>`), as AWS does.
   */
  bucketRegion?: string;
  /**
   * Answer with the platform's real, messier shapes (sandbox/api/realistic.ts): string sizes,
   * `+00:00` dates, `next: ""`, trimmed records, core types as objects, 201/202 codes.
   * Default: the env variable COURIER_SANDBOX_REALISTIC=1, else off (tidy shapes).
   */
  realistic?: boolean;
  /**
   * ETags from a CRC instead of MD5 (with a "-" suffix so MD5-checking tools skip them).
   * MD5 is the largest CPU cost of an upload; use this only to keep the sandbox out of a
   * client's throughput benchmark. Default false: real MD5 ETags, as S3.
   */
  fastEtags?: boolean;
  /**
   * Where the account's files live: `s3` (default; the sandbox's own S3 server) or `azure`
   * (Azurite behind a loopback fault proxy; users/me and records say AzureStorage, /credentials/
   * answers SAS tokens). Default: env COURIER_SANDBOX_STORAGE, else `s3`.
   */
  storage?: SandboxStorageKind;
  /** Azure mode: port of the blob proxy clients talk to; 0 (default) = any free port. */
  azurePort?: number;
  /** Worker threads for upload hashing (default: 0 on ≤ 2 CPUs, else 2; env SANDBOX_HASH_WORKERS). */
  hashWorkers?: number;
}

export type SandboxStorageKind = 's3' | 'azure';

function storageKind(v: string, from: string): SandboxStorageKind {
  const k = v.trim().toLowerCase();
  if (k === 's3' || k === 'azure') return k;
  throw new Error(`${from} must be 's3' or 'azure' (got '${v}')`);
}

/** COURIER_SANDBOX_STORAGE=azure starts every sandbox started without the option on Azure storage. */
export function storageFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxStorageKind {
  const v = env['COURIER_SANDBOX_STORAGE'];
  return v === undefined || v === '' ? 's3' : storageKind(v, 'COURIER_SANDBOX_STORAGE');
}

/** COURIER_SANDBOX_REALISTIC=1 (or true/yes) turns realistic mode on for every sandbox started without the option. */
export function realisticFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes)$/i.test(env['COURIER_SANDBOX_REALISTIC'] ?? '');
}

export const USAGE = `usage: courier sandbox [--port N] [--s3-port N] [--data DIR] [--token T] [--job-seconds S]
                       [--faults] [--rate-limits] [--host H] [--credential-ttl S] [--region R] [--bucket B]
                       [--bucket-region R] [--fast-etags] [--realistic] [--storage s3|azure] [--azure-port N]`;

function num(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number`);
  return n;
}

function str(flag: string, v: string | undefined): string {
  if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
  return v;
}

type ParsedArgs = SandboxOptions & { help?: boolean };

/** Flags taking a value, by the option each sets; switches (no value) set their option to true. */
const NUMBER_FLAGS: Record<string, 'port' | 's3Port' | 'jobSeconds' | 'credentialTtlSeconds' | 'azurePort'> = {
  '--port': 'port',
  '--s3-port': 's3Port',
  '--job-seconds': 'jobSeconds',
  '--credential-ttl': 'credentialTtlSeconds',
  '--azure-port': 'azurePort',
};
const STRING_FLAGS: Record<string, 'dataDir' | 'token' | 'host' | 'region' | 'bucket' | 'bucketRegion'> = {
  '--data': 'dataDir',
  '--token': 'token',
  '--host': 'host',
  '--region': 'region',
  '--bucket': 'bucket',
  '--bucket-region': 'bucketRegion',
};
const SWITCHES: Record<string, 'realistic' | 'faults' | 'rateLimits' | 'fastEtags' | 'help'> = {
  '--realistic': 'realistic',
  '--faults': 'faults',
  '--rate-limits': 'rateLimits',
  '--fast-etags': 'fastEtags',
  '--help': 'help',
  '-h': 'help',
};

/** Parses the CLI flags (`--flag value` or `--flag=value`). */
export function parseSandboxArgs(argv: string[]): ParsedArgs {
  const out: ParsedArgs = {};
  const args = argv.flatMap((a) => (a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const next = () => args[++i];
    if (Object.hasOwn(NUMBER_FLAGS, flag)) out[NUMBER_FLAGS[flag]!] = num(flag, next());
    else if (Object.hasOwn(STRING_FLAGS, flag)) out[STRING_FLAGS[flag]!] = str(flag, next());
    else if (Object.hasOwn(SWITCHES, flag)) out[SWITCHES[flag]!] = true;
    else if (flag === '--storage') out.storage = storageKind(str(flag, next()), flag);
    else throw new Error(`unknown argument: ${flag}`);
  }
  return out;
}
