/** The platform prints microseconds with a `Z` (`2017-06-04T11:55:35.002000Z`). */
export function isoMicro(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** S3 XML timestamps (`2026-01-01T00:00:00.000Z`). */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** RFC 7231 date for Last-Modified headers. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
