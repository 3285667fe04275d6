// Every local path built from platform data (a job id in `rescale_job_<id>`, an output's
// relative path) must stay inside the folder the person chose. This is checked on the resolved
// path, independently of any validation of the pieces, so one missed check upstream cannot
// make a hostile answer write elsewhere.
import { isAbsolute, relative, resolve } from 'node:path';
import { CourierError } from '../../../shared/errors';

/** Whether `path` (resolved) is `root` itself or below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** `root` joined with `parts`, resolved; throws unless the result stays strictly inside `root`. */
export function containedPath(root: string, ...parts: string[]): string {
  const base = resolve(root);
  const p = resolve(base, ...parts);
  if (p === base || !isInside(base, p)) {
    throw new CourierError(
      'invalid_input',
      `Refused to write ${JSON.stringify(parts.join('/')).slice(0, 120)}: it would land outside ${base}, the folder you chose.`,
    );
  }
  return p;
}
