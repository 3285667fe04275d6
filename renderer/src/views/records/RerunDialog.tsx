import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TemplateDraft, TemplateIssue } from '../../../../shared/jobs';
import { api } from '../../api/client';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { messageOf } from '../../lib/format';
import { refreshJobs } from '../../stores/jobs';
import { closeLaunch, type ChosenInput } from '../../stores/launch';
import { useNavigation } from '../../stores/navigation';
import { toast } from '../../stores/toasts';
import { LaunchFacts } from '../launch/LaunchFacts';
import { LaunchFooter, LaunchFormEnd, launchErrors, toLaunch } from '../launch/launch-form';
import { ProjectField } from './ProjectField';

interface Read {
  draft: TemplateDraft;
  issues: TemplateIssue[];
  notes: string[];
}

function Facts({ r }: { r: Read }) {
  const d = r.draft;
  return (
    <LaunchFacts
      analysis={d.analysis}
      hardware={{ ...d.hardware, slots: d.hardware.slots ?? 1 }}
      command={d.command}
      commandLabelId="rerun-command-label"
      issues={r.issues}
      notes={r.notes}
    />
  );
}

/** "Run again…" for any platform job: its record, prefilled; inputs are its platform files, by id. */
export function RerunDialog({ jobId, inputs }: { jobId: string; inputs: ChosenInput[] }) {
  const { t } = useTranslation();
  const [read, setRead] = useState<Read | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [project, setProject] = useState<string | undefined>(undefined);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api.jobs
      .toTemplate({ jobId })
      .then((r) => {
        if (!live) return;
        setRead(r);
        setProject(r.draft.projectId);
      })
      .catch((e: unknown) => live && setLoadError(messageOf(e)));
    return () => {
      live = false;
    };
  }, [jobId]);

  const run = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const entry = await api.jobs.rerun({
        jobId,
        inputs: inputs.map(toLaunch),
        edits: { projectId: project ?? '' },
        ...(name.trim() ? { name: name.trim() } : {}),
      });
      closeLaunch();
      toast({ level: 'info', title: t('launch.queued', { name: entry.jobName }) });
      useNavigation.getState().go('jobs');
      void refreshJobs();
    } catch (err) {
      setErrors(launchErrors(err, ['inputs', 'name', 'projectId']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={t('records.launchTitle', { jobId })} onClose={closeLaunch} wide footer={<LaunchFooter form="rerun-form" busy={busy} ready={Boolean(read)} />}>
      <form id="rerun-form" className="form" onSubmit={(e) => void run(e)}>
        {loadError && (
          <p className="error" role="alert">
            {loadError}
          </p>
        )}
        {!read && !loadError && <p className="muted">{t('records.reading')}</p>}
        {read && <Facts r={read} />}
        <Field label={t('launch.jobName')} error={errors.name}>
          {(id, d) => <input id={id} aria-describedby={d} value={name} placeholder={read?.draft.jobName} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <ProjectField value={project} onChange={setProject} error={errors.projectId} />
        <p className="hint">{t('records.inputsReused')}</p>
        <LaunchFormEnd inputs={inputs} errors={errors} />
      </form>
    </Modal>
  );
}
