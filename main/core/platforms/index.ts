import { CourierError } from '../../../shared/errors';
import { assertNever } from '../../../shared/assert-never';

export interface KnownPlatform {
  id: string;
  name: string;
  apiUrl: string;
  /** ITAR hosts must use AWS FIPS endpoints for S3. */
  fips?: boolean;
}

/** Rescale's hosts (rescale-protocol.md §5). The S3 region always comes from the account's storage. */
export const knownPlatforms: KnownPlatform[] = [
  { id: 'rescale-com', name: 'Rescale — North America (platform.rescale.com)', apiUrl: 'https://platform.rescale.com' },
  { id: 'rescale-jp', name: 'Rescale — Japan (platform.rescale.jp)', apiUrl: 'https://platform.rescale.jp' },
  { id: 'rescale-eu', name: 'Rescale — Europe (eu.rescale.com)', apiUrl: 'https://eu.rescale.com' },
  { id: 'rescale-kr', name: 'Rescale — Korea (kr.rescale.com)', apiUrl: 'https://kr.rescale.com' },
  { id: 'rescale-itar', name: 'Rescale — US ITAR (itar.rescale.com)', apiUrl: 'https://itar.rescale.com', fips: true },
  { id: 'rescale-gov', name: 'Rescale — US ITAR FRM (itar.rescale-gov.com)', apiUrl: 'https://itar.rescale-gov.com', fips: true },
];

export type PlatformRef =
  | { kind: 'known'; id: string }
  | { kind: 'custom'; apiUrl: string; s3Endpoint?: string }
  | { kind: 'sandbox'; apiUrl: string; s3Endpoint: string; azureBlobEndpoint?: string };

export interface ResolvedPlatform {
  label: string;
  apiUrl: string;
  /** Custom S3 endpoint (sandbox, private clouds); undefined = AWS for the storage's region. */
  s3Endpoint?: string;
  /** The sandbox's Azure blob service (loopback, path-style, account included); real accounts use their storage account's. */
  azureBlobEndpoint?: string;
  fips: boolean;
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/**
 * Normalizes a user-typed platform URL: https only (http only for loopback), scheme + host
 * (+ port) only, trailing slash dropped — `-X https://platform.rescale.jp/` works as in rescale.jar.
 */
export function normalizeApiUrl(raw: string, field = 'apiUrl'): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new CourierError('invalid_input', `"${raw}" is not a URL. Use the address of your Rescale platform, e.g. https://platform.rescale.com`, { field });
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopback(u.hostname))) {
    throw new CourierError(
      'invalid_input',
      `Only https:// platform addresses are accepted (http:// only for this machine, 127.0.0.1). Got ${u.protocol}//${u.host}.`,
      { field },
    );
  }
  if (u.username || u.password) throw new CourierError('invalid_input', 'A platform address must not contain a user name or password.', { field });
  if (u.pathname !== '/' || u.search || u.hash)
    throw new CourierError('invalid_input', `Use only the platform's address (like https://${u.host}), without a path.`, { field });
  return u.origin;
}

export function resolvePlatform(ref: PlatformRef): ResolvedPlatform {
  switch (ref.kind) {
    case 'known': {
      const p = knownPlatforms.find((k) => k.id === ref.id);
      if (!p) throw new CourierError('invalid_input', `Unknown platform "${ref.id}".`, { field: 'platform' });
      return { label: p.name, apiUrl: p.apiUrl, fips: !!p.fips };
    }
    case 'custom': {
      const apiUrl = normalizeApiUrl(ref.apiUrl);
      const known = knownPlatforms.find((k) => k.apiUrl === apiUrl);
      return { label: known?.name ?? new URL(apiUrl).host, apiUrl, ...(ref.s3Endpoint ? { s3Endpoint: ref.s3Endpoint } : {}), fips: !!known?.fips };
    }
    case 'sandbox': {
      const azure = ref.azureBlobEndpoint ? loopbackEndpoint(ref.azureBlobEndpoint) : undefined;
      return {
        label: 'Sandbox (local, no account needed)',
        apiUrl: normalizeApiUrl(ref.apiUrl),
        s3Endpoint: ref.s3Endpoint,
        ...(azure ? { azureBlobEndpoint: azure } : {}),
        fips: false,
      };
    }
    default:
      return assertNever(ref, 'platform kind');
  }
}

/** The sandbox's blob endpoint: only ever on this machine (a platform record cannot move it elsewhere). */
function loopbackEndpoint(raw: string): string {
  const u = new URL(raw);
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !isLoopback(u.hostname)) {
    throw new CourierError('invalid_input', `The sandbox's Azure endpoint must be on this machine (127.0.0.1); got ${u.host}.`, { field: 'azureBlobEndpoint' });
  }
  return raw.replace(/\/+$/, '');
}

/** A running local sandbox as a platform: what "add the sandbox" stores, in the app and the CLI. */
export function sandboxPlatform(sb: { apiUrl: string; s3Endpoint: string; azureBlobEndpoint?: string | null }): PlatformRef {
  return { kind: 'sandbox', apiUrl: sb.apiUrl, s3Endpoint: sb.s3Endpoint, ...(sb.azureBlobEndpoint ? { azureBlobEndpoint: sb.azureBlobEndpoint } : {}) };
}

/** A platform from a bare URL (CLI -X / RESCALE_API_URL): a known host if it is one. */
export function platformFromUrl(raw: string): PlatformRef {
  const apiUrl = normalizeApiUrl(raw);
  const known = knownPlatforms.find((k) => k.apiUrl === apiUrl);
  return known ? { kind: 'known', id: known.id } : { kind: 'custom', apiUrl };
}
