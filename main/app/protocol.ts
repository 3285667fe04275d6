// The app:// protocol: the renderer is served from the built files with the CSP as a response
// header, never from file://. GET only, our host only, paths contained in the renderer folder.
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { buildCsp, securityHeaders } from '../core/security/csp';
import { contentTypeFor, resolveStaticPath } from '../core/security/static-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'courier';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Must run before `app` is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRenderer(rendererDir: string): void {
  const csp = buildCsp();
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (request.method !== 'GET' || url.host !== APP_HOST) return new Response('Not found', { status: 404 });
    const file = resolveStaticPath(rendererDir, url.pathname);
    if (!file) return new Response('Not found', { status: 404 });
    const upstream = await net.fetch(pathToFileURL(file).toString());
    if (!upstream.ok) return new Response('Not found', { status: 404 });
    return new Response(upstream.body, { status: 200, headers: { 'Content-Type': contentTypeFor(file), ...securityHeaders(csp) } });
  });
}
