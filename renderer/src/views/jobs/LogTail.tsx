import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { messageOf } from '../../lib/format';
import { RefreshCard } from './RefreshCard';

interface Tail {
  available: boolean;
  source: 'live' | 'output' | 'none';
  lines: string[];
  note?: string | undefined;
}

/** A finished job's log does not change: read it once per session (each read is a download). */
const finished = new Map<string, Tail>();

/** Reads the tail (again on refresh, and when the status changes); a finished job's once a session. */
function useLogTail(jobId: string, status: string, ended: boolean) {
  const [tail, setTail] = useState<Tail | null>(() => finished.get(jobId) ?? null);
  const [error, setError] = useState('');
  const [nonce, setNonce] = useState(0);
  const key = `${jobId}|${status}|${nonce}`;
  const [loadedKey, setLoadedKey] = useState('');
  const busy = loadedKey !== key;

  useEffect(() => {
    let current = true;
    const cached = nonce === 0 ? finished.get(jobId) : undefined;
    if (cached) {
      queueMicrotask(() => {
        if (!current) return;
        setTail(cached);
        setLoadedKey(key);
      });
      return () => {
        current = false;
      };
    }
    api.jobs.tailLog({ jobId, lines: 200 }).then(
      (r) => {
        if (!current) return;
        if (r.available && ended) finished.set(jobId, r);
        setTail(r);
        setError('');
        setLoadedKey(key);
      },
      (e: unknown) => {
        if (!current) return;
        setError(messageOf(e));
        setLoadedKey(key);
      },
    );
    return () => {
      current = false;
    };
  }, [jobId, key, nonce, ended]);

  return { tail, error, busy, refresh: () => setNonce((n) => n + 1) };
}

/** The end of process_output.log: live where the platform offers it, else once the run wrote it. */
export function LogTail({ jobId, status, ended }: { jobId: string; status: string; ended: boolean }) {
  const { t } = useTranslation();
  const { tail, error, busy, refresh } = useLogTail(jobId, status, ended);
  return (
    <RefreshCard className="log-tail" titleId="log-h" title={t('jobs.log')} live={tail?.source === 'live'} busy={busy} onRefresh={refresh} error={error}>
      {tail && !tail.available && <p className="muted">{tail.note ?? t('jobs.logNone')}</p>}
      {tail?.available && (
        <pre className="log" tabIndex={0} aria-label={t('jobs.logLabel')} data-testid="log-tail">
          {tail.lines.join('\n')}
        </pre>
      )}
    </RefreshCard>
  );
}
