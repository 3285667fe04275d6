import * as z from 'zod';
import { request } from './define';

export const appInfo = z.object({
  name: z.literal('Courier'),
  version: z.string(),
  shell: z.enum(['electron', 'web', 'cli']),
  os: z.string(),
  /** True while the platform answers; false when offline or unreachable. */
  online: z.boolean(),
});

export const activityLevel = z.enum(['info', 'warn', 'error']);
export const activityEntry = z.object({
  id: z.number(),
  at: z.number(),
  level: activityLevel,
  area: z.enum(['app', 'accounts', 'transfers', 'jobs', 'settings']),
  message: z.string(),
  /** Something the entry is about, e.g. a job id, so the UI can link to it. */
  ref: z.object({ kind: z.enum(['job', 'transfer', 'file']), id: z.string() }).optional(),
  /** The same message as a phrase key and parameters, so the UI can say it in the user's language. */
  text: z.object({ key: z.string(), params: z.record(z.string(), z.string()) }).optional(),
});
export type ActivityEntry = z.infer<typeof activityEntry>;

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

export const appEvents = {
  activity: activityEntry,
  connectivity: z.object({ online: z.boolean(), reason: z.string().optional() }),
};
