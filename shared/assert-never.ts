/**
 * The default branch of a switch that handles every member of a union: it stops compiling when a
 * member is added and not handled, and throws if a value from outside the types arrives anyway
 * (from another thread, or read from disk). Lint requires exhaustive switches
 * (@typescript-eslint/switch-exhaustiveness-check); this is how to end one that needs a default.
 * Only a string or number is quoted in the message: an object may hold keys or paths.
 */
export function assertNever(value: never, what: string): never {
  const v: unknown = value;
  const shown = typeof v === 'string' || typeof v === 'number' ? ` '${v}'` : '';
  throw new Error(`Unexpected ${what}${shown}: this version of Courier does not handle it.`);
}
