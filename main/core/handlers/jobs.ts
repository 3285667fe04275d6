// The templates, catalog and jobs requests: each is one method of the jobs service's facade
// (main/core/jobs/service.ts), which owns the logic.
import type { CourierHandlers } from '../../../shared/contract';
import type { CoreServices } from '../courier';
import type { CallContext } from '../rpc/router';

type Handlers = Pick<CourierHandlers<CallContext>, 'templates' | 'catalog' | 'jobs'>;

export function jobHandlers({ jobs }: CoreServices): Handlers {
  const { templateEntries: entries, queued, records, files } = jobs;
  return {
    templates: {
      list: () => entries.list(),
      get: ({ id }) => entries.get(id),
      save: ({ template }) => entries.save(template),
      delete: ({ id }) => entries.delete(id),
      duplicate: ({ id, name }) => entries.duplicate(id, name),
      import: ({ json }) => entries.import(json),
      export: ({ id }) => entries.export(id),
      validate: ({ template }) => entries.validate(template),
      presets: () => entries.presets(),
      fromJob: ({ jobId, name }) => records.fromJob(jobId, name),
    },
    catalog: {
      get: ({ refresh }) => jobs.catalogView(refresh),
    },
    jobs: {
      describeInput: ({ path }) => files.describeInput(path),
      launch: (req) => jobs.launch(req),
      list: (req) => jobs.list(req),
      get: ({ jobId }) => jobs.get(jobId),
      follow: (req) => jobs.follow(req),
      stop: ({ jobId }) => jobs.stop(jobId),
      cancelQueued: ({ id }) => queued.cancel(id),
      editQueued: ({ id, ...edits }) => queued.edit(id, edits),
      retryQueued: ({ id }) => queued.retry(id),
      downloadOutputs: ({ jobId, filter }) => files.downloadOutputs(jobId, filter),
      tailLog: ({ jobId, lines }) => files.tailLog(jobId, lines),
      toTemplate: ({ jobId }) => records.toTemplate(jobId),
      rerun: (req) => records.rerun(req),
      projects: () => records.projects(),
      tags: ({ jobId }) => records.tags(jobId),
      setTags: (req) => records.setTags(req),
      liveFiles: ({ jobId }) => files.liveFiles(jobId),
      liveTail: (req) => files.liveTail(req),
      liveDownload: (req) => files.liveDownload(req),
    },
  };
}
