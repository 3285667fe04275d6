/** scheme://host[:port] of a URL. (URL.origin is "null" for custom schemes like app://, so build it.) */
export function originOf(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.host ? `${url.protocol}//${url.host}` : null;
  } catch {
    return null;
  }
}

/**
 * Is an IPC message from the app's own page? Only the main frame of a window showing the
 * app origin counts: not subframes, not devtools, not a page that navigated elsewhere.
 */
export function isTrustedSender(frame: { url: string; isMainFrame: boolean } | null | undefined, appOrigin: string): boolean {
  if (!frame || !frame.isMainFrame) return false;
  return originOf(frame.url) === appOrigin;
}
