import { useState, useEffect } from 'react';
import type { JobDetail } from '../../../../shared/jobs';
import { api } from '../../api/client';
import { messageOf } from '../../lib/format';
import { useJobs } from '../../stores/jobs';

/** A job's details (jobs.get), kept current by the live jobChanged events in the jobs store. */
export function useJobDetail(jobId: string): { detail: JobDetail | null; error: string; reload: () => void } {
  const [detail, setDetail] = useState<JobDetail | null>(null);
  const [error, setError] = useState('');
  const [nonce, setNonce] = useState(0);
  const live = useJobs((s) => s.jobs[jobId]);

  // Asked again on each status change: it can bring output files (Executing, Completed).
  const liveStatus = live?.status;
  useEffect(() => {
    let current = true;
    api.jobs.get({ jobId }).then(
      (d) => {
        if (!current) return;
        setDetail(d);
        setError('');
      },
      (e: unknown) => current && setError(messageOf(e)),
    );
    return () => {
      current = false;
    };
  }, [jobId, liveStatus, nonce]);

  const merged: JobDetail | null =
    detail && live && live.history
      ? { ...detail, status: live.status, outcome: live.outcome, history: live.history, outputs: live.outputs ?? detail.outputs }
      : detail;
  return { detail: merged?.jobId === jobId ? merged : null, error, reload: () => setNonce((n) => n + 1) };
}
