/**
 * `p`, or a rejection as soon as `signal` aborts: the caller stops waiting (the work behind `p`
 * goes on and its result is dropped). `reason` says what the rejection is; by default the
 * signal's reason when it is an Error, else a plain "aborted" Error.
 */
export function abortable<T>(
  p: Promise<T>,
  signal: AbortSignal | undefined,
  reason: () => unknown = () => (signal?.reason instanceof Error ? signal.reason : new Error('aborted')),
): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, (e: unknown) => reject(e instanceof Error ? e : new Error(String(e)))).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
