import { platform, release } from 'node:os';
import type { CourierHandlers } from '../../../shared/contract';
import { CourierError } from '../../../shared/errors';
import type { CoreServices } from '../courier';
import type { CallContext } from '../rpc/router';
import { checkExternalUrl } from '../security/url-policy';

type AppHandlers = Pick<CourierHandlers<CallContext>, 'app' | 'activity'>;

export function appHandlers(s: CoreServices): AppHandlers {
  return {
    app: {
      async info() {
        return { name: 'Courier' as const, version: s.ports.version, shell: s.ports.shell, os: `${platform()} ${release()}`, online: s.connectivity.isOnline() };
      },
      async openExternal({ url }) {
        const verdict = checkExternalUrl(url);
        if (!verdict.ok) throw new CourierError('invalid_input', verdict.reason, { field: 'url' });
        if (!s.ports.openExternal) return { opened: false };
        await s.ports.openExternal(verdict.url);
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
