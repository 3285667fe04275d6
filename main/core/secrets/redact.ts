/**
 * Defence in depth against leaking keys: every secret Courier loads is registered here, and
 * every string bound for a log, an error message or the activity log passes `redact` first.
 * (The primary rule is still that secrets never reach those paths at all.)
 */
const known = new Set<string>();

export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 8) known.add(value);
}

export function forgetSecret(value: string): void {
  known.delete(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of known) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  // Authorization headers and token-looking query parameters, even for secrets we never saw.
  return out
    .replace(/(Authorization:\s*(?:Token|Bearer)\s+)\S+/gi, '$1[redacted]')
    .replace(/([?&](?:token|api_key|apikey|X-Amz-Security-Token|X-Amz-Signature|X-Amz-Credential)=)[^&\s]+/gi, '$1[redacted]');
}
