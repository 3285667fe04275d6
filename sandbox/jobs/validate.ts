import { findAnalysis, findCoreType } from '../api/catalog-data';
import { ApiError, fieldError, serverError } from '../api/http';
import type { AnalysisSpec, FileRec } from '../store/state';
import { isObject, toJson, type Json, type JsonObject } from '../util/json';

const REQUIRED = 'This field is required.';
const TRUE = new Set<unknown>([true, 1, '1', 'true', 'True', 'TRUE', 't', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const FALSE = new Set<unknown>([false, 0, '0', 'false', 'False', 'FALSE', 'f', 'F', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

/** DRF BooleanField: also takes "true"/"false" strings (the seed sends them, the platform accepts them). */
export function drfBool(v: unknown): boolean | undefined {
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

export interface ValidJob {
  name: string;
  isLowPriority: boolean;
  analyses: AnalysisSpec[];
  extra: JsonObject;
}

type Errors = Record<string, Json>;

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

function validateHardware(hw: unknown, api: 'v2' | 'v3', allowed: string[] | null, label: string, out: Partial<AnalysisSpec>): Json | null {
  if (hw === undefined) return [REQUIRED];
  if (!isObject(hw)) return { non_field_errors: ['Invalid data. Expected a dictionary.'] };
  const e: Errors = {};
  const ct = hw['coreType'];
  let code: string | undefined;
  if (ct === undefined) e['coreType'] = [REQUIRED];
  else if (api === 'v2' && typeof ct !== 'string') e['coreType'] = ['Expected the core type code as a string (v2).'];
  else if (api === 'v3' && !(isObject(ct) && typeof ct['code'] === 'string')) e['coreType'] = ['Expected an object {"code": …} (v3).'];
  else code = typeof ct === 'string' ? ct : String((ct as JsonObject)['code']);
  const coreType = code !== undefined ? findCoreType(code) : undefined;
  if (code !== undefined && !coreType) e['coreType'] = [`Unknown core type '${code}'.`];
  else if (coreType && allowed && !allowed.includes(coreType.code)) e['coreType'] = [`Core type '${coreType.code}' is not available for ${label}.`];
  const cps = hw['coresPerSlot'] === undefined ? 1 : positiveInt(hw['coresPerSlot']);
  if (cps === undefined) e['coresPerSlot'] = ['A valid positive integer is required.'];
  else if (coreType && !coreType.cores.includes(cps))
    e['coresPerSlot'] = [`${cps} cores is not a valid size for '${coreType.code}' (valid: ${coreType.cores.join(', ')}).`];
  const slots = hw['slots'] === undefined ? 1 : positiveInt(hw['slots']);
  if (slots === undefined) e['slots'] = ['A valid positive integer is required.'];
  const wt = hw['walltime'];
  const walltime = wt === undefined || wt === null ? null : positiveInt(wt);
  if (walltime === undefined) e['walltime'] = ['A valid positive integer (hours) is required.'];
  Object.assign(out, { coreType: coreType?.code ?? '', coresPerSlot: cps ?? 1, slots: slots ?? 1, walltime: walltime ?? null });
  return Object.keys(e).length ? e : null;
}

function validateAnalysis(raw: unknown, api: 'v2' | 'v3', files: Record<string, FileRec>): { spec?: AnalysisSpec; errors?: Errors } {
  if (!isObject(raw)) return { errors: { non_field_errors: ['Invalid data. Expected a dictionary.'] } };
  const e: Errors = {};
  const spec: Partial<AnalysisSpec> = {};
  const a = raw['analysis'];
  let allowed: string[] | null = null;
  let label = '';
  if (a === undefined) e['analysis'] = [REQUIRED];
  else if (!isObject(a) || typeof a['code'] !== 'string') e['analysis'] = { code: [REQUIRED] };
  else {
    const def = findAnalysis(a['code']);
    const version = a['version'] === undefined ? def?.versions[0]?.versionCode : String(a['version']);
    const ver = def?.versions.find((v) => v.versionCode === version);
    if (!def) e['analysis'] = [`Unknown analysis code '${a['code']}'.`];
    else if (!ver) e['analysis'] = [`Unknown version '${String(version)}' for analysis '${def.code}' (use a versionCode).`];
    else {
      spec.code = def.code;
      spec.versionCode = ver.versionCode;
      allowed = ver.allowedCoreTypes;
      label = `${def.code} ${ver.versionCode}`;
      const cmd = raw['command'];
      if (def.requiresInteractiveFlag && typeof cmd === 'string' && !/\binteractive\b/.test(cmd)) {
        e['command'] = ["the 'interactive' flag must be present"];
      }
    }
  }
  const cmd = raw['command'];
  if (cmd === undefined) e['command'] = [REQUIRED];
  else if (typeof cmd !== 'string') e['command'] = ['Not a valid string.'];
  else if (!cmd.trim()) e['command'] = ['This field may not be blank.'];
  spec.command = typeof cmd === 'string' ? cmd : '';
  const mpi = raw['useMpi'] === undefined ? false : drfBool(raw['useMpi']);
  if (mpi === undefined) e['useMpi'] = ['Must be a valid boolean.'];
  spec.useMpi = mpi ?? false;
  const hwErr = validateHardware(raw['hardware'], api, allowed, label, spec);
  if (hwErr) e['hardware'] = hwErr;
  const inputs = raw['inputFiles'] ?? [];
  spec.inputFiles = [];
  if (!Array.isArray(inputs)) e['inputFiles'] = ['Expected a list of items.'];
  else {
    const itemErrors: Json[] = inputs.map((f) => {
      const id = isObject(f) ? f['id'] : undefined;
      if (typeof id !== 'string') return { id: [REQUIRED] } as Json;
      if (!files[id] || files[id].record['isDeleted'] === true) return { id: [`Invalid pk "${id}" - object does not exist.`] } as Json;
      const dec = isObject(f) ? drfBool(f['decompress'] ?? false) : false;
      spec.inputFiles!.push({ id, decompress: dec ?? false });
      return {} as Json;
    });
    if (itemErrors.some((x) => isObject(x) && Object.keys(x).length > 0)) e['inputFiles'] = itemErrors;
  }
  if (raw['envVars'] !== undefined && !isObject(raw['envVars'])) e['envVars'] = ['Expected a dictionary of items.'];
  if (Object.keys(e).length) return { errors: e };
  spec.raw = toJson(raw) as JsonObject;
  return { spec: spec as AnalysisSpec };
}

/** Validates a job body for POST /api/v2/jobs/ (string coreType) or /api/v3/jobs/ (object coreType). */
export function validateJob(body: unknown, api: 'v2' | 'v3', files: Record<string, FileRec>): ValidJob {
  if (!isObject(body)) throw fieldError({ non_field_errors: ['Invalid data. Expected a dictionary.'] });
  if (api === 'v3' && Array.isArray(body['jobAutomations']) && body['jobAutomations'].some((a) => !isObject(a) || a['environmentVariables'] === undefined)) {
    throw new ApiError(serverError()); // the platform 500s when environmentVariables is missing
  }
  const errors: Errors = {};
  const name = body['name'];
  if (name === undefined) errors['name'] = [REQUIRED];
  else if (typeof name !== 'string') errors['name'] = ['Not a valid string.'];
  else if (!name.trim()) errors['name'] = ['This field may not be blank.'];
  const low = body['isLowPriority'] === undefined ? false : drfBool(body['isLowPriority']);
  if (low === undefined) errors['isLowPriority'] = ['Must be a valid boolean.'];
  const list = body['jobanalyses'];
  const analyses: AnalysisSpec[] = [];
  if (list === undefined) errors['jobanalyses'] = [REQUIRED];
  else if (!Array.isArray(list)) errors['jobanalyses'] = ['Expected a list of items.'];
  else if (list.length === 0) errors['jobanalyses'] = ['This list may not be empty.'];
  else {
    const results = list.map((a) => validateAnalysis(a, api, files));
    if (results.some((r) => r.errors)) errors['jobanalyses'] = results.map((r) => r.errors ?? {});
    else for (const r of results) analyses.push(r.spec!);
  }
  if (Object.keys(errors).length) throw fieldError(errors);
  const extra: JsonObject = {};
  for (const [k, v] of Object.entries(body)) if (!['name', 'isLowPriority', 'jobanalyses'].includes(k)) extra[k] = v;
  return { name: name as string, isLowPriority: low ?? false, analyses, extra };
}
