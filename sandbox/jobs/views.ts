import { findAnalysis, findCoreType } from '../api/catalog-data';
import { fileView } from '../api/file-records';
import type { SandboxCore } from '../core';
import type { AnalysisSpec, JobRec } from '../store/state';
import { stableId } from '../util/ids';
import type { Json, JsonObject } from '../util/json';
import { isoMicro } from '../util/time';
import { currentStatus, FINAL_STATUSES, runWindow, visibleHistory } from './clock';

function analysisView(core: SandboxCore, a: AnalysisSpec, api: 'v2' | 'v3', origin: string): JsonObject {
  const def = findAnalysis(a.code);
  const ver = def?.versions.find((v) => v.versionCode === a.versionCode);
  const ct = findCoreType(a.coreType);
  const nodes = ct ? Math.max(1, Math.ceil((a.coresPerSlot * a.slots) / Math.max(...ct.cores))) : 1;
  const rawHw = (a.raw['hardware'] ?? {}) as JsonObject;
  const hardware: JsonObject = {
    ...rawHw,
    coreType: api === 'v2' ? a.coreType : { code: a.coreType, name: ct?.name ?? a.coreType },
    coresPerSlot: a.coresPerSlot,
    slots: a.slots,
    walltime: a.walltime,
    coreSummary: { memoryPerNode: (ct?.memory ?? 0) * a.coresPerSlot, numberOfNodes: nodes, storagePerNode: (ct?.storage ?? 0) * a.coresPerSlot },
  };
  const inputFiles: Json[] = a.inputFiles.map((ref) => {
    const f = core.store.state.files[ref.id];
    const rec = f ? fileView(f, origin) : { id: ref.id };
    return api === 'v3' ? { ...rec, decompress: ref.decompress } : rec;
  });
  return {
    envVars: {},
    flags: {},
    useRescaleLicense: false,
    templateTasks: [],
    preProcessScript: null,
    preProcessScriptCommand: '',
    postProcessScript: null,
    postProcessScriptCommand: '',
    onDemandLicenseSeller: null,
    userDefinedLicenseSettings: null,
    ...a.raw,
    analysis: { code: a.code, name: def?.name ?? a.code, version: a.versionCode, versionName: ver?.version ?? '' },
    command: a.command,
    useMpi: a.useMpi,
    hardware,
    inputFiles,
  };
}

/** Job detail. Like the platform's v3 detail it carries no status: use /statuses/ or the list. */
export function jobView(core: SandboxCore, job: JobRec, api: 'v2' | 'v3', origin: string): Json {
  return {
    archiveFilters: [],
    caseFile: null,
    expectedRuns: null,
    includeNominalRun: false,
    isTemplateDryRun: false,
    jobvariables: [],
    monteCarloIterations: null,
    optimizer: null,
    paramFile: null,
    remoteVizConfig: null,
    resourceFilters: [],
    ...(api === 'v3' ? { tags: [], projectId: null, clusterId: null, jobAutomations: [] } : {}),
    ...job.extra,
    id: job.id,
    name: job.name,
    owner: core.user.email,
    dateInserted: isoMicro(job.dateInserted),
    isLowPriority: job.isLowPriority,
    jobanalyses: job.analyses.map((a) => analysisView(core, a, api, origin)),
  };
}

function clusterStatus(job: JobRec, now: number): string {
  const s = currentStatus(job, now);
  if (s === '') return '';
  if (FINAL_STATUSES.has(s)) return 'Stopped';
  return ['Pending', 'Waiting for Queue', 'Queued', 'Waiting for Cluster'].includes(s) ? 'Starting' : 'Started';
}

export function jobListItem(core: SandboxCore, job: JobRec, now: number, outputBytes: number): Json {
  return {
    id: job.id,
    name: job.name,
    owner: core.user.email,
    dateInserted: isoMicro(job.dateInserted),
    jobStatus: { content: currentStatus(job, now), labelClass: '', useLabel: false },
    clusterStatusDisplay: { content: clusterStatus(job, now), labelClass: '', useLabel: false },
    analysisNames: job.analyses.map((a) => findAnalysis(a.code)?.name ?? a.code),
    sharedWith: [],
    storage: outputBytes,
    isVisible: true,
  };
}

/** Status history, newest first, with ids that never change. */
export function statusViews(job: JobRec, api: 'v2' | 'v3', now: number): Json[] {
  return visibleHistory(job, now)
    .map((e, i) => ({
      id: stableId(`${job.id}:${i}:${e.status}`),
      jobId: job.id,
      status: e.status,
      statusDate: isoMicro(e.at),
      statusReason: e.reason,
      ...(api === 'v3' ? { substatus: null, notify: false, preventDuplicates: false } : {}),
    }))
    .reverse();
}

export function runViews(job: JobRec, now: number, files: { size: number }[]): Json[] {
  const run = runWindow(job, now);
  if (!run) return [];
  return [
    {
      id: '1',
      dateStarted: isoMicro(run.started),
      dateCompleted: run.completed === null ? null : isoMicro(run.completed),
      type: 3,
      displayOrder: 0,
      isOptimal: false,
      outputFileCount: files.length,
      outputFileSize: files.reduce((n, f) => n + f.size, 0),
      parent: null,
      variables: [],
    },
  ];
}
