import * as z from 'zod';
import { request } from './define';

export const remoteEntry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('folder'), id: z.string(), name: z.string() }),
  z.object({ type: z.literal('file'), id: z.string(), name: z.string(), size: z.number(), uploadedAt: z.number().nullable() }),
]);
export type RemoteEntry = z.infer<typeof remoteEntry>;

export const fileRequests = {
  files: {
    /** The user's library: folders first, then files (a page at a time for the flat list). */
    browse: request(z.object({ folderId: z.string().optional() }), z.object({ folderId: z.string(), entries: z.array(remoteEntry) })),
    /** Newest first across all folders, paginated. */
    recent: request(
      z.object({ page: z.number().int().min(1).default(1), pageSize: z.number().int().min(1).max(1000).default(50) }),
      z.object({ count: z.number(), page: z.number(), hasNext: z.boolean(), entries: z.array(remoteEntry) }),
    ),
    delete: request(
      z.object({ ids: z.array(z.string()).min(1) }),
      z.object({ deleted: z.array(z.string()), failed: z.array(z.object({ id: z.string(), message: z.string() })) }),
    ),
  },
};
