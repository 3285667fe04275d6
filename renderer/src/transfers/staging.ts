// The web host's drag and drop: a browser cannot hand over file paths, so each dropped file is
// PUT to /staging/<batch>/<relative path> (same origin, so the session cookie goes along), then
// transfers.uploadStaged uploads the whole batch like a local folder.
import i18next from 'i18next';
import { api } from '../api/client';
import { messageOf } from '../lib/format';
import { dropBatch, patchBatch, putBatch } from '../stores/staging';
import type { DroppedFile } from './drop';

const PARALLEL = 3;
const controllers = new Map<string, { cancelled: boolean; requests: Set<XMLHttpRequest> }>();

function newBatchId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `drop-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function labelFor(files: DroppedFile[]): string {
  const tops = [...new Set(files.map((f) => f.relativePath.split('/')[0] ?? f.file.name))];
  const first = tops[0] ?? '';
  return tops.length <= 1 ? first : i18next.t('staging.andMore', { name: first, count: tops.length - 1 });
}

const urlFor = (batchId: string, rel: string) => `/staging/${encodeURIComponent(batchId)}/${rel.split('/').map(encodeURIComponent).join('/')}`;

function put(batchId: string, f: DroppedFile, onBytes: (delta: number) => void, requests: Set<XMLHttpRequest>): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    requests.add(xhr);
    let sent = 0;
    xhr.open('PUT', urlFor(batchId, f.relativePath));
    xhr.upload.onprogress = (e) => {
      onBytes(e.loaded - sent);
      sent = e.loaded;
    };
    xhr.onload = () => {
      requests.delete(xhr);
      if (xhr.status >= 200 && xhr.status < 300) {
        onBytes(f.file.size - sent);
        resolve();
      } else reject(new Error(xhr.responseText.trim() || `HTTP ${xhr.status}`));
    };
    xhr.onerror = () => {
      requests.delete(xhr);
      reject(new Error(i18next.t('staging.lost')));
    };
    xhr.onabort = () => {
      requests.delete(xhr);
      reject(new Error('cancelled'));
    };
    xhr.send(f.file);
  });
}

/** Stages every file (three at a time, with progress), then starts the upload of the batch. */
export async function stageAndUpload(files: DroppedFile[]): Promise<void> {
  if (files.length === 0) return;
  const id = newBatchId();
  const ctl = { cancelled: false, requests: new Set<XMLHttpRequest>() };
  controllers.set(id, ctl);
  const bytesTotal = files.reduce((a, f) => a + f.file.size, 0);
  putBatch({ id, label: labelFor(files), files: files.length, filesDone: 0, bytesTotal, bytesDone: 0, state: 'staging' });

  let bytesDone = 0;
  let filesDone = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const report = () => {
    timer ??= setTimeout(() => {
      timer = null;
      if (!ctl.cancelled) patchBatch(id, { bytesDone, filesDone });
    }, 100);
  };

  const queue = [...files];
  const worker = async () => {
    for (let f = queue.shift(); f && !ctl.cancelled; f = queue.shift()) {
      await put(id, f, (d) => ((bytesDone += d), report()), ctl.requests);
      filesDone++;
      report();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(PARALLEL, files.length) }, worker));
    if (ctl.cancelled) return;
    patchBatch(id, { bytesDone: bytesTotal, filesDone: files.length, state: 'starting' });
    await api.transfers.uploadStaged({ batchId: id });
    dropBatch(id); // the queue's own rows take over from here
  } catch (e) {
    if (ctl.cancelled) return;
    ctl.cancelled = true;
    for (const r of ctl.requests) r.abort();
    patchBatch(id, { state: 'failed', error: messageOf(e) });
  } finally {
    if (timer) clearTimeout(timer);
    controllers.delete(id);
  }
}

export function cancelStaging(id: string): void {
  const ctl = controllers.get(id);
  if (ctl) {
    ctl.cancelled = true;
    for (const r of ctl.requests) r.abort();
  }
  dropBatch(id);
}
