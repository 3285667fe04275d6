import * as z from 'zod';
import { request } from './define';
import { activityEntry, activityLevel } from './events';

export const appInfo = z.object({
  name: z.literal('Courier'),
  version: z.string(),
  shell: z.enum(['electron', 'web', 'cli']),
  os: z.string(),
  /** True while the platform answers; false when offline or unreachable. */
  online: z.boolean(),
});

export const appRequests = {
  app: {
    info: request(z.object({}), appInfo),
    /** Opens an http(s) link in the OS browser (Electron) — validated in main, never a raw shell call. */
    openExternal: request(z.object({ url: z.url() }), z.object({ opened: z.boolean() })),
    /** Shows a folder inside the download folder in the file manager; `opened: false` where there is none (a browser). */
    openFolder: request(z.object({ path: z.string().min(1) }), z.object({ opened: z.boolean() })),
  },
  activity: {
    list: request(
      z.object({ level: activityLevel.optional(), area: activityEntry.shape.area.optional(), limit: z.number().int().min(1).max(5000).default(500) }),
      z.object({ entries: z.array(activityEntry) }),
    ),
    export: request(z.object({}), z.object({ text: z.string(), fileName: z.string() })),
  },
};
