import { statSync } from 'node:fs';
import { platform, release } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import type { CourierHandlers } from '../../../shared/contract';
import { CourierError } from '../../../shared/errors';
import type { CoreServices } from '../courier';
import type { CallContext } from '../rpc/router';
import { downloadRoot } from './transfers';
import { checkExternalUrl } from '../security/url-policy';

type AppHandlers = Pick<CourierHandlers<CallContext>, 'app' | 'activity'>;

export function appHandlers(s: CoreServices): AppHandlers {
  return {
    app: {
      async info() {
        return {
          name: 'Courier' as const,
          version: s.ports.version,
          shell: s.ports.shell,
          os: `${platform()} ${release()}`,
          online: s.connectivity.isOnline(),
        };
      },
      async openExternal({ url }) {
        const verdict = checkExternalUrl(url);
        if (!verdict.ok) throw new CourierError('invalid_input', verdict.reason, { field: 'url' });
        if (!s.ports.openExternal) return { opened: false };
        await s.ports.openExternal(verdict.url);
        return { opened: true };
      },
      async openFolder({ path }) {
        // Only what Courier downloaded: a folder inside the download folder, nothing else on the disk.
        const root = resolve(downloadRoot(s));
        const at = resolve(path);
        const rel = relative(root, at);
        if (rel.startsWith('..') || isAbsolute(rel))
          throw new CourierError('invalid_input', `Courier opens folders inside the download folder (${root}) only; ${at} is not one.`, { field: 'path' });
        if (!statSync(at, { throwIfNoEntry: false })?.isDirectory())
          throw new CourierError('not_found', `${at} is not a folder (yet): wait for the download to start, or check that it was not moved.`, {
            field: 'path',
          });
        if (!s.ports.openFolder) return { opened: false };
        await s.ports.openFolder(at);
        return { opened: true };
      },
    },
    activity: {
      async list(input) {
        return { entries: s.activity.list(input) };
      },
      async export() {
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        return { text: s.activity.exportText(), fileName: `courier-activity-${stamp}.txt` };
      },
    },
  };
}
