import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TemplateDraft, TemplateIssue } from '../../../../shared/jobs';
import { api } from '../../api/client';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { messageOf } from '../../lib/format';
import { refreshJobs } from '../../stores/jobs';
import { closeLaunch, parkLaunch, setLaunch, type ChosenInput } from '../../stores/launch';
import { useNavigation } from '../../stores/navigation';
import { toast } from '../../stores/toasts';
import { InputsPicker } from '../launch/InputsPicker';
import { LaunchFooter, launchErrors } from '../launch/launch-form';
import { ProjectField } from './ProjectField';

interface Read {
  draft: TemplateDraft;
  issues: TemplateIssue[];
  notes: string[];
}

function Facts({ r }: { r: Read }) {
  const { t } = useTranslation();
  const d = r.draft;
  const slots = d.hardware.slots ?? 1;
  return (
    <div className="launch-summary">
      <dl className="launch-facts">
        <dt>{t('launch.software')}</dt>
        <dd>
          {d.analysis.code} {d.analysis.version}
        </dd>
        <dt>{t('launch.hardwareLabel')}</dt>
        <dd>{t('launch.hardware', { coreType: d.hardware.coreType, cores: d.hardware.coresPerSlot, count: slots, total: d.hardware.coresPerSlot * slots })}</dd>
        <dt id="rerun-command-label">{t('launch.command')}</dt>
        <dd>
          <code className="command" role="textbox" aria-readonly="true" aria-labelledby="rerun-command-label">
            {d.command}
          </code>
        </dd>
      </dl>
      {[...r.issues.map((i) => `${i.field}: ${i.message}`), ...r.notes].length > 0 && (
        <ul className="plain warnings">
          {r.issues.map((i) => (
            <li key={`${i.field}-${i.message}`} className="error">
              {i.field}: {i.message}
            </li>
          ))}
          {r.notes.map((n) => (
            <li key={n} className="muted">
              {n}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const toLaunch = (i: ChosenInput) => (i.kind === 'local' ? { path: i.path } : i.name ? { fileId: i.fileId, name: i.name } : { fileId: i.fileId });

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
        <InputsPicker inputs={inputs} onChange={(next) => setLaunch({ inputs: next })} error={errors.inputs} onBrowseFiles={parkLaunch} />
        {errors.form && (
          <p className="error" role="alert">
            {errors.form}
          </p>
        )}
      </form>
    </Modal>
  );
}
