// Where an S3 request for a location goes: the custom endpoint (path-style) or AWS's own
// (virtual-hosted unless the bucket name has dots). Shared by the worker's requests and the main
// thread, which asks the OS proxy about the same origin.
import type { S3Loc, StorageLoc } from './protocol';

/** RFC 3986 encoding of one path segment or query part (S3's canonical form). */
export function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function s3Target(loc: S3Loc): { url: URL; path: string } {
  const key = loc.key.split('/').map(enc).join('/');
  const ep = loc.creds.endpoint;
  if (ep) {
    const url = new URL(ep); // custom endpoint (the sandbox, MinIO, …): path-style
    return { url, path: `${url.pathname.replace(/\/$/, '')}/${enc(loc.bucket)}/${key}` };
  }
  const region = loc.creds.region || 'us-east-1';
  if (loc.bucket.includes('.')) return { url: new URL(`https://s3.${region}.amazonaws.com`), path: `/${enc(loc.bucket)}/${key}` };
  return { url: new URL(`https://${loc.bucket}.s3.${region}.amazonaws.com`), path: `/${key}` };
}

/** The origin a request for this location goes to (the main thread asks the OS proxy about it). */
export function originOf(loc: StorageLoc): string {
  return loc.creds.kind === 'azure' ? new URL(loc.creds.endpoint).origin : s3Target(loc as S3Loc).url.origin;
}
