import * as z from 'zod';
import { RescaleHttp, type RescaleClientOptions } from './client';
import { newTally, type SkipTally } from './lists';
import {
  analysis,
  coreType,
  fileRecord,
  folderItem,
  jobRecord,
  jobRun,
  jobStatusEntry,
  platformId,
  rootFolders,
  storageCredentials,
  userProfile,
  type FileRecord,
} from './models';

const nothing = z.unknown();

export interface ListPage<T> {
  count: number;
  items: T[];
  hasNext: boolean;
}

/** A whole list, and how many of its records could not be read (left out). */
export interface Listed<T> {
  items: T[];
  skipped: SkipTally;
}

/** Folder listings ask for the largest page the platform gives: one v3 call per 1,000 entries. */
function folderListing(signal?: AbortSignal) {
  return {
    what: 'list a folder',
    pageSize: 1000,
    // A folder a job or a colleague changes while it is listed is read again, so no file is left out.
    relist: { passes: 2, key: (e: z.output<typeof folderItem>) => `${e.type}:${e.item.id}` },
    ...(signal ? { signal } : {}),
  };
}

/** Typed Rescale endpoints (v3 where the platform's own tools use it, v2 for jobs). */
const registeredFile = z.looseObject({ id: platformId });

export class RescaleApi {
  readonly http: RescaleHttp;
  constructor(opts: RescaleClientOptions) {
    this.http = new RescaleHttp(opts);
  }

  me(signal?: AbortSignal) {
    return this.http.call('GET', '/api/v3/users/me/', { schema: userProfile, what: 'read your profile', ...(signal ? { signal } : {}) });
  }
  rootFolders(signal?: AbortSignal) {
    return this.http.call('GET', '/api/v3/users/me/folders/', { schema: rootFolders, what: 'read your folders', ...(signal ? { signal } : {}) });
  }
  /** One cheap read, not retried on network errors: "does the platform answer now?" (the outbox asks it while offline). */
  probe(signal?: AbortSignal) {
    return this.http.call('GET', '/api/v3/users/me/folders/', {
      schema: rootFolders,
      retry: 'never',
      what: 'reach the platform',
      ...(signal ? { signal } : {}),
    });
  }
  credentials(body?: unknown, signal?: AbortSignal) {
    return this.http.call('POST', '/api/v3/credentials/', {
      schema: storageCredentials,
      body,
      retry: 'read',
      what: 'get storage credentials',
      ...(signal ? { signal } : {}),
    });
  }

  // Files and folders
  /**
   * Only the new record's id is read: the caller sent everything else, and validating the whole
   * echoed record cost more main-thread CPU than any other step of a small file's upload.
   */
  registerFile(body: unknown, signal?: AbortSignal) {
    return this.http.call('POST', '/api/v3/files/', {
      schema: registeredFile,
      body,
      retry: 'never',
      what: 'register an uploaded file',
      ...(signal ? { signal } : {}),
    });
  }
  getFile(id: string, signal?: AbortSignal) {
    return this.http.call('GET', `/api/v3/files/${encodeURIComponent(id)}/`, { schema: fileRecord, what: `read file ${id}`, ...(signal ? { signal } : {}) });
  }
  async listFilesPage(page: number, pageSize: number, signal?: AbortSignal): Promise<ListPage<FileRecord>> {
    const r = await this.http.listPage('/api/v3/files/', fileRecord, {
      query: { page, page_size: pageSize, ordering: '-dateUploaded' },
      what: 'list your files',
      ...(signal ? { signal } : {}),
    });
    return { count: r.count, items: r.items.filter((f) => f.isUploaded !== false && !f.isDeleted), hasNext: r.hasNext };
  }
  deleteFile(id: string) {
    return this.http.call('DELETE', `/api/v3/files/${encodeURIComponent(id)}/`, { schema: nothing, retry: 'read', what: `delete file ${id}` });
  }
  folderContents(folderId: string, signal?: AbortSignal) {
    return this.http.paginate(`/api/v3/folders/${encodeURIComponent(folderId)}/contents/`, folderItem, folderListing(signal));
  }
  /** A folder's entries a page at a time (a folder download starts on the first page). */
  folderContentPages(folderId: string, signal?: AbortSignal) {
    return this.http.pages(`/api/v3/folders/${encodeURIComponent(folderId)}/contents/`, folderItem, folderListing(signal));
  }
  createFolder(parentId: string, name: string, signal?: AbortSignal) {
    return this.http.call('POST', `/api/v3/folders/${encodeURIComponent(parentId)}/`, {
      schema: z.looseObject({ id: platformId, name: z.string().nullish() }),
      body: { name },
      retry: 'never',
      what: `create folder "${name}"`,
      ...(signal ? { signal } : {}),
    });
  }

  // Jobs (v2, as the seed and rescale-cli use them)
  createJob(body: unknown, signal?: AbortSignal) {
    return this.http.call('POST', '/api/v2/jobs/', { schema: jobRecord, body, retry: 'never', what: 'create the job', ...(signal ? { signal } : {}) });
  }
  submitJob(id: string, signal?: AbortSignal) {
    return this.http.call('POST', `/api/v2/jobs/${encodeURIComponent(id)}/submit/`, {
      schema: nothing,
      retry: 'never',
      what: `submit job ${id}`,
      ...(signal ? { signal } : {}),
    });
  }
  getJob(id: string, signal?: AbortSignal) {
    return this.http.call('GET', `/api/v2/jobs/${encodeURIComponent(id)}/`, { schema: jobRecord, what: `read job ${id}`, ...(signal ? { signal } : {}) });
  }
  async listJobsPage(page: number, pageSize: number, signal?: AbortSignal) {
    const r = await this.http.listPage('/api/v2/jobs/', jobRecord, {
      query: { page, page_size: pageSize },
      what: 'list your jobs',
      ...(signal ? { signal } : {}),
    });
    return { count: r.count, items: r.items, hasNext: r.hasNext };
  }
  stopJob(id: string) {
    return this.http.call('POST', `/api/v2/jobs/${encodeURIComponent(id)}/stop/`, { schema: nothing, retry: 'never', what: `stop job ${id}` });
  }
  deleteJob(id: string) {
    return this.http.call('DELETE', `/api/v2/jobs/${encodeURIComponent(id)}/`, { schema: nothing, retry: 'read', what: `delete job ${id}` });
  }
  async jobStatuses(id: string, signal?: AbortSignal) {
    const out = [];
    for await (const s of this.http.paginate(`/api/v2/jobs/${encodeURIComponent(id)}/statuses/`, jobStatusEntry, {
      what: `read the status of job ${id}`,
      ...(signal ? { signal } : {}),
    }))
      out.push(s);
    return out; // newest first, as the platform returns them
  }
  async jobRuns(id: string, signal?: AbortSignal) {
    const out = [];
    for await (const r of this.http.paginate(`/api/v2/jobs/${encodeURIComponent(id)}/runs/`, jobRun, {
      what: `list the runs of job ${id}`,
      ...(signal ? { signal } : {}),
    }))
      out.push(r);
    return out;
  }
  async jobFiles(id: string, signal?: AbortSignal): Promise<FileRecord[]> {
    return (await this.jobFilesListed(id, signal)).items;
  }
  /** The outputs of a job, with how many records could not be read (those are not downloaded). */
  jobFilesListed(id: string, signal?: AbortSignal): Promise<Listed<FileRecord>> {
    return this.list(`/api/v2/jobs/${encodeURIComponent(id)}/files/`, fileRecord, {
      what: `list the outputs of job ${id}`,
      pageSize: 1000,
      ...(signal ? { signal } : {}),
    });
  }

  // Catalog
  coreTypes(signal?: AbortSignal) {
    return this.list('/api/v2/coretypes/', coreType, {
      what: 'read the hardware catalog',
      pageSize: 1000,
      query: { isActive: true },
      ...(signal ? { signal } : {}),
    });
  }
  analyses(signal?: AbortSignal) {
    return this.list('/api/v2/analyses/', analysis, { what: 'read the software catalog', pageSize: 1000, ...(signal ? { signal } : {}) });
  }

  private async list<S extends z.ZodType>(path: string, item: S, opts: Omit<Parameters<RescaleHttp['paginate']>[2], 'skipped'>): Promise<Listed<z.output<S>>> {
    const skipped = newTally();
    const items: z.output<S>[] = [];
    for await (const x of this.http.paginate(path, item, { ...opts, skipped })) items.push(x);
    return { items, skipped };
  }
}
