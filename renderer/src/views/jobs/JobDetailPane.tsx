import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobDetail } from '../../../../shared/jobs';
import { api } from '../../api/client';
import { formatBytes, messageOf } from '../../lib/format';
import { confirmAction } from '../../stores/confirm';
import { openLaunch, type ChosenInput } from '../../stores/launch';
import { useNavigation } from '../../stores/navigation';
import { toast } from '../../stores/toasts';
import { outcomeLabel, statusLabel } from './labels';
import { timelineRows } from './timeline';
import { CostCard } from './CostCard';
import { LogTail } from './LogTail';
import { LiveFiles } from './live/LiveFiles';
import { useJobDetail } from './useJobDetail';
import { JobTags } from '../records/JobTags';
import { refreshTemplates } from '../../stores/templates';

function rerunInputs(d: JobDetail): ChosenInput[] {
  // The launch's own inputs (what the template did not add); uploaded ones by their file id.
  const own = d.outbox?.inputs;
  if (own && own.length > 0)
    return own.map((i) => (i.fileId ? { kind: 'file', fileId: i.fileId, name: i.name } : { kind: 'local', path: i.path ?? '', name: i.name }));
  return d.inputs.map((i) => ({ kind: 'file', fileId: i.id, name: i.name }));
}

function Actions({ d }: { d: JobDetail }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const running = d.outcome === 'running';
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
    } catch (e) {
      toast({ level: 'error', title: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };
  const stop = async () => {
    const ok = await confirmAction({ title: t('jobs.stopTitle', { name: d.name }), body: t('jobs.stopBody'), confirmLabel: t('jobs.stop'), danger: true });
    if (ok) await run(async () => void (await api.jobs.stop({ jobId: d.jobId })));
  };
  const download = () =>
    run(async () => {
      const r = await api.jobs.downloadOutputs({ jobId: d.jobId });
      const there = r.skipped.length ? t('jobs.alreadyThere', { count: r.skipped.length }) : undefined;
      // Nothing new: the toast says why instead of "Downloading 0 files".
      if (r.files.length === 0 && there) toast({ level: 'ok', title: there, body: r.dir, path: r.dir });
      else toast({ level: 'info', title: t('jobs.downloading', { count: r.files.length }), body: there ? `${r.dir} · ${there}` : r.dir, path: r.dir });
    });
  const saveAsTemplate = () =>
    run(async () => {
      const e = await api.templates.fromJob({ jobId: d.jobId });
      void refreshTemplates();
      toast({ level: 'ok', title: t('records.savedTemplate', { name: e.template.name }) });
    });
  return (
    <div className="actions">
      {running && (
        <button type="button" className="danger" disabled={busy} onClick={() => void stop()}>
          {t('jobs.stop')}
        </button>
      )}
      <button type="button" disabled={busy || d.outputFiles.length === 0} onClick={() => void download()}>
        {t('jobs.downloadOutputs')}
      </button>
      {d.templateId ? (
        <button type="button" className="primary" onClick={() => openLaunch({ templateId: d.templateId ?? undefined, inputs: rerunInputs(d) })}>
          {t('jobs.runAgain')}
        </button>
      ) : (
        // Any job of the platform: its record, prefilled, its inputs reused by file id.
        <button
          type="button"
          className="primary"
          onClick={() => openLaunch({ fromJob: d.jobId, inputs: d.inputs.map((i) => ({ kind: 'file', fileId: i.id, name: i.name })) })}
        >
          {t('records.runAgain')}
        </button>
      )}
      <button type="button" disabled={busy} onClick={() => void saveAsTemplate()}>
        {t('records.saveAsTemplate')}
      </button>
    </div>
  );
}

function Timeline({ d }: { d: JobDetail }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="timeline-h">
      <h2 id="timeline-h">{t('jobs.timeline')}</h2>
      {d.history.length === 0 ? (
        <p className="muted">{t('jobs.noHistory')}</p>
      ) : (
        <ol className="timeline" reversed>
          {timelineRows(d.history).map((r) => (
            <li key={r.key} className={[r.current ? 'current' : '', r.known ? '' : 'unknown'].filter(Boolean).join(' ') || undefined} data-status={r.status}>
              <strong>{r.label}</strong>
              {!r.known && <span className="muted"> ({t('jobs.unknownStatus')})</span>} {r.iso ? <time dateTime={r.iso}>{r.date}</time> : <span>{r.date}</span>}
              {r.reason && <span className="muted"> — {r.reason}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The automatic download kept to the template's filter: say so, and offer the files it left. */
function FilterNote({ d }: { d: JobDetail }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const o = d.outputs;
  const total = d.outputFiles.length;
  if (o.state !== 'done' || !o.filters || total <= o.files) return null;
  const rest = async () => {
    setBusy(true);
    try {
      // Every output: the ones already downloaded are the same files, so they are skipped.
      const r = await api.jobs.downloadOutputs({ jobId: d.jobId });
      toast({ level: 'info', title: t('jobs.downloading', { count: r.files.length }), body: r.dir, path: r.dir });
    } catch (e) {
      toast({ level: 'error', title: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <p className="filter-note" data-testid="filter-note">
      <span>{t('jobs.filterNote', { matched: o.files, total, filters: o.filters.join(', ') })}</span>{' '}
      <button type="button" className="small" disabled={busy} onClick={() => void rest()}>
        {t('jobs.downloadRest', { count: total - o.files })}
      </button>
    </p>
  );
}

function Files({ d }: { d: JobDetail }) {
  const { t } = useTranslation();
  const o = d.outputs;
  return (
    <section className="card" aria-labelledby="files-h">
      <h2 id="files-h">{t('jobs.files')}</h2>
      <h3>{t('jobs.inputs')}</h3>
      {d.inputs.length === 0 ? (
        <p className="muted">{t('jobs.noInputs')}</p>
      ) : (
        <ul className="plain">
          {d.inputs.map((i) => (
            <li key={i.id}>{i.name}</li>
          ))}
        </ul>
      )}
      <h3>{t('jobs.outputs')}</h3>
      {o.state !== 'none' && (
        <p className={o.state === 'failed' ? 'error' : 'muted'} data-outputs={o.state}>
          {t(`jobs.outputsState.${o.state}`, { count: o.files, dir: o.dir ?? '' })}
        </p>
      )}
      <FilterNote d={d} />
      {d.outputFiles.length === 0 ? (
        <p className="muted">{t('jobs.noOutputs')}</p>
      ) : (
        <ul className="plain">
          {d.outputFiles.map((f) => (
            <li key={f.id}>
              {f.relativePath} <span className="muted">{formatBytes(f.size)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One job: live status, its timeline (newest first), files, the log, and what can be done with it. */
export function JobDetailPane({ jobId }: { jobId: string }) {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  const { detail: d, error } = useJobDetail(jobId);
  // The live files stay once shown, so what was followed is still there when the job ends.
  const running = d?.outcome === 'running';
  const [liveFor, setLiveFor] = useState('');
  if (running && liveFor !== jobId) setLiveFor(jobId);
  return (
    <article className="job-detail" aria-labelledby="job-title">
      <div className="detail-header">
        <button type="button" className="link" onClick={() => go('jobs')}>
          ← {t('jobs.back')}
        </button>
        <h2 id="job-title">{d?.name ?? jobId}</h2>
        {d && (
          <span className={`badge outcome-${d.outcome}`} data-status={d.status}>
            {d.outcome === 'running' ? statusLabel(d.status) : outcomeLabel(d.outcome)}
          </span>
        )}
        <span className="muted">{jobId}</span>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!d && !error && <p className="muted">{t('common.loading')}</p>}
      {d && (
        <>
          <Actions d={d} />
          <div className="detail-grid">
            <Timeline d={d} />
            <Files d={d} />
            <JobTags jobId={jobId} />
            <CostCard d={d} />
          </div>
          {liveFor === jobId && <LiveFiles jobId={jobId} running={running} />}
          <LogTail jobId={jobId} status={d.status} ended={d.outcome !== 'running' && d.outcome !== 'not_submitted'} />
        </>
      )}
    </article>
  );
}
