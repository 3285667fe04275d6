/**
 * Which links may leave the app for the OS browser: http(s) only, no credentials in the URL.
 * Parsed with URL, never with string prefixes (a classic bypass).
 */
export function checkExternalUrl(raw: string): { ok: true; url: string } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'That is not a valid link.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: `Only http and https links can be opened (this one is ${url.protocol}).` };
  }
  if (url.username || url.password) return { ok: false, reason: 'Links that carry a user name or password are not opened.' };
  return { ok: true, url: url.toString() };
}
