import type { EventHub, EventPayload } from '../events/hub';
import type { ActivityLog } from './log';

/**
 * Writes what people ask "did that happen?" about into the activity log, from the events the
 * services already emit: transfers that ended (done, failed, cancelled), the platform going
 * offline and coming back, and outbox submissions reaching the platform or failing.
 * Items inside a folder transfer are left out: the folder's own entry says it.
 */
export function recordActivity(hub: EventHub, log: ActivityLog): () => void {
  const ended = new Map<string, string>(); // transfer id -> last recorded terminal state
  const sent = new Set<string>(); // outbox id:state
  return hub.subscribe((name, payload) => {
    if (name === 'transfersProgress') {
      for (const t of (payload as EventPayload<'transfersProgress'>).items) {
        if (t.parentId || !['done', 'failed', 'cancelled'].includes(t.state) || ended.get(t.id) === t.state) continue;
        ended.set(t.id, t.state);
        const ref = { kind: 'transfer' as const, id: t.id };
        const up = t.kind === 'upload';
        if (t.state === 'done') log.say('info', 'transfers', { key: up ? 'uploadDone' : 'downloadDone', params: { name: t.name } }, ref);
        else if (t.state === 'failed')
          log.say('error', 'transfers', { key: up ? 'uploadFailed' : 'downloadFailed', params: { name: t.name, reason: t.error?.message ?? '' } }, ref);
        else log.say('info', 'transfers', { key: up ? 'uploadCancelled' : 'downloadCancelled', params: { name: t.name } }, ref);
      }
    } else if (name === 'connectivity') {
      const c = payload as EventPayload<'connectivity'>;
      if (c.online) log.say('info', 'app', { key: 'online', params: {} });
      else log.say('warn', 'app', { key: 'offline', params: { reason: c.reason ?? 'no answer' } });
    } else if (name === 'outboxChanged') {
      const e = payload as EventPayload<'outboxChanged'>;
      if ((e.state !== 'submitted' && e.state !== 'failed') || sent.has(`${e.id}:${e.state}`)) return;
      sent.add(`${e.id}:${e.state}`);
      if (e.state === 'submitted')
        log.say(
          'info',
          'jobs',
          { key: 'outboxSent', params: { jobName: e.jobName, jobId: e.jobId ?? '' } },
          e.jobId ? { kind: 'job', id: e.jobId } : undefined,
        );
      else log.say('error', 'jobs', { key: 'outboxFailed', params: { jobName: e.jobName, reason: e.error?.message ?? '' } });
    }
  });
}
