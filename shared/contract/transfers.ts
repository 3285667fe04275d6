import * as z from 'zod';
import { conflictPolicy } from '../settings';
import { request } from './define';
import { transferBatch, transferView } from './events';

const idInput = z.object({ id: z.string().optional() });

export const transferRequests = {
  transfers: {
    list: request(z.object({}), transferBatch),
    /** Local files or folders (folders keep their structure as Rescale folders). */
    upload: request(
      z.object({
        paths: z.array(z.string().min(1)).min(1, 'choose at least one file or folder'),
        folderId: z.string().optional(),
        /** Each folder goes up as one .zip: one file on the platform, registered once. */
        asArchive: z.boolean().optional(),
      }),
      z.object({ items: z.array(transferView) }),
    ),
    /** Files uploaded by the browser to the web host's staging folder (drag and drop in a browser). */
    uploadStaged: request(
      z.object({ batchId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), folderId: z.string().optional() }),
      z.object({ items: z.array(transferView) }),
    ),
    download: request(
      z.object({ fileIds: z.array(z.string()).min(1), dir: z.string().optional(), conflict: conflictPolicy.optional() }),
      z.object({ items: z.array(transferView), dir: z.string() }),
    ),
    /**
     * A Rescale folder lands as a folder of its own name under `dir` (the download folder by
     * default): `name` is that name, as the Files view shows it. `dir` in the answer is where it went.
     * Answered once the folder's batch exists (with its first page of files), while the rest is
     * listed: `items` holds the batch's view (none if it was cancelled before any file was found).
     */
    downloadFolder: request(
      z.object({ folderId: z.string(), name: z.string().min(1, 'the folder needs a name'), dir: z.string().optional(), conflict: conflictPolicy.optional() }),
      z.object({ items: z.array(transferView), dir: z.string() }),
    ),
    pause: request(idInput, z.object({ ok: z.boolean() })),
    resume: request(idInput, z.object({ ok: z.boolean() })),
    cancel: request(idInput, z.object({ ok: z.boolean() })),
    retry: request(z.object({ id: z.string() }), z.object({ ok: z.boolean() })),
    /** Local folders and files to pick from (the web host has no native file dialog). */
    browseLocal: request(
      z.object({ dir: z.string().optional() }),
      z.object({
        dir: z.string(),
        parent: z.string().nullable(),
        entries: z.array(z.object({ name: z.string(), path: z.string(), isDir: z.boolean(), size: z.number() })),
      }),
    ),
  },
};
