import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OutboxEntry } from '../../../../shared/jobs';
import { api } from '../../api/client';
import { formatDate, messageOf } from '../../lib/format';
import { confirmAction } from '../../stores/confirm';
import { useNavigation } from '../../stores/navigation';
import { toast } from '../../stores/toasts';
import { EditQueuedDialog } from './EditQueuedDialog';
import { submissionLabel } from './labels';

const editable = (e: OutboxEntry) => ['queued', 'uploading', 'failed'].includes(e.state);

/** A submission still in the outbox: marked as queued, with why it waits, and cancel/edit. */
export function QueuedRow({ e }: { e: OutboxEntry }) {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  const [editing, setEditing] = useState(false);
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      toast({ level: 'error', title: messageOf(err) });
    }
  };
  const cancel = async () => {
    const ok = await confirmAction({
      title: t('jobs.cancelQueuedTitle', { name: e.jobName }),
      body: t('jobs.cancelQueuedBody'),
      confirmLabel: t('jobs.cancelQueuedConfirm'),
      cancelLabel: t('jobs.keepQueued'),
      danger: true,
    });
    if (ok) await act(() => api.jobs.cancelQueued({ id: e.id }));
  };
  return (
    <li className={`job-row queued state-${e.state}`} data-submission={e.id} data-state={e.state}>
      <div className="job-main">
        {e.jobId ? (
          <button type="button" className="link job-name" onClick={() => go('jobs', e.jobId ?? undefined)}>
            {e.jobName}
          </button>
        ) : (
          <span className="job-name">{e.jobName}</span>
        )}
        <span className="muted">
          {e.templateName} · {formatDate(e.createdAt)}
        </span>
        {e.error && e.state === 'failed' && (
          <span className="error" role="alert">
            {e.error.message}
          </span>
        )}
      </div>
      <span className={`badge badge-queued badge-sub-${e.state}`}>{e.state === 'cancelled' ? t('jobs.submission.cancelled') : t('jobs.queuedBadge')}</span>
      <span className="muted job-status">{submissionLabel(e)}</span>
      <div className="actions">
        {e.state === 'failed' && (
          <button type="button" onClick={() => void act(() => api.jobs.retryQueued({ id: e.id }))}>
            {t('common.retry')}
          </button>
        )}
        {editable(e) && (
          <>
            <button type="button" onClick={() => setEditing(true)} aria-label={t('jobs.editQueuedOne', { name: e.jobName })}>
              {t('jobs.editQueued')}
            </button>
            <button type="button" className="danger" onClick={() => void cancel()} aria-label={t('jobs.cancelQueuedOne', { name: e.jobName })}>
              {t('jobs.cancelQueued')}
            </button>
          </>
        )}
      </div>
      {editing && <EditQueuedDialog entry={e} onClose={() => setEditing(false)} />}
    </li>
  );
}
