import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LaunchInput } from '../../../../shared/jobs';
import { api } from '../../api/client';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { refreshJobs } from '../../stores/jobs';
import { closeLaunch, parkLaunch, setLaunch, useLaunch, type ChosenInput } from '../../stores/launch';
import { useNavigation } from '../../stores/navigation';
import { askNotificationPermission } from '../../stores/notifications';
import { loadCatalog, refreshTemplates, useTemplates } from '../../stores/templates';
import { toast } from '../../stores/toasts';
import { Estimate } from './Estimate';
import { InputsPicker } from './InputsPicker';
import { LaunchFooter, launchErrors } from './launch-form';
import { RerunDialog } from '../records/RerunDialog';
import { ProjectField } from '../records/ProjectField';

const toLaunch = (i: ChosenInput): LaunchInput => (i.kind === 'local' ? { path: i.path } : i.name ? { fileId: i.fileId, name: i.name } : { fileId: i.fileId });

function Summary({ templateId }: { templateId: string }) {
  const { t } = useTranslation();
  const entry = useTemplates((s) => s.templates.find((x) => x.template.id === templateId));
  if (!entry) return null;
  const tp = entry.template;
  return (
    <div className="launch-summary">
      <dl className="launch-facts">
        <dt>{t('launch.software')}</dt>
        <dd>
          {tp.analysis.code} {tp.analysis.version}
        </dd>
        <dt>{t('launch.hardwareLabel')}</dt>
        <dd>
          {t('launch.hardware', {
            coreType: tp.hardware.coreType,
            cores: tp.hardware.coresPerSlot,
            count: tp.hardware.slots,
            total: tp.hardware.coresPerSlot * tp.hardware.slots,
          })}
          <span className="muted hint">{t('launch.slotsHint')}</span>
        </dd>
        <Estimate template={tp} />
        <dt id="launch-command-label">{t('launch.command')}</dt>
        <dd>
          <code className="command" role="textbox" aria-readonly="true" aria-labelledby="launch-command-label">
            {tp.command}
          </code>
          {tp.command.includes('{input') && <span className="muted hint">{t('launch.commandHint')}</span>}
        </dd>
        <dt>{t('launch.outputs')}</dt>
        <dd data-testid="launch-outputs">
          {tp.outputs.autoDownload && tp.outputs.filters.length
            ? t('launch.outputsFiltered', { filters: tp.outputs.filters.join(', ') })
            : t('launch.outputsManual')}
        </dd>
      </dl>
      {entry.issues.length > 0 && (
        <ul className="plain warnings">
          {entry.issues.map((i) => (
            <li key={`${i.field}-${i.message}`} className="error">
              {i.field}: {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Template → job in two clicks: pick (or keep) the template, add inputs if it takes any, Launch. */
export function LaunchDialog() {
  const { t } = useTranslation();
  const { open, templateId, inputs, fromJob } = useLaunch();
  const templates = useTemplates((s) => s.templates);
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  /** undefined = the template's own project. */
  const [project, setProject] = useState<string | null | undefined>(undefined);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (open) {
      void refreshTemplates();
      void loadCatalog(); // prices for the estimate
    }
  }, [open]);

  if (!open) return null;
  if (fromJob) return <RerunDialog jobId={fromJob} inputs={inputs} />;
  const chosen = templateId ?? templates[0]?.template.id;
  const template = templates.find((x) => x.template.id === chosen)?.template;

  const launch = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    void askNotificationPermission(); // on this click, so the browser allows the prompt
    setBusy(true);
    setErrors({});
    try {
      const entry = await api.jobs.launch({
        templateId: chosen,
        inputs: inputs.map(toLaunch),
        values,
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(project !== undefined ? { projectId: project ?? '' } : {}),
      });
      closeLaunch();
      setName('');
      setValues({});
      setProject(undefined);
      toast({ level: 'info', title: t('launch.queued', { name: entry.jobName }) });
      useNavigation.getState().go('jobs');
      void refreshJobs();
    } catch (err) {
      setErrors(launchErrors(err, ['inputs', 'name', 'values', 'templateId', 'projectId']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={t('launch.title')} onClose={closeLaunch} wide footer={<LaunchFooter form="launch-form" busy={busy} ready={Boolean(chosen)} />}>
      <form id="launch-form" className="form" onSubmit={(e) => void launch(e)}>
        <Field label={t('launch.template')} error={errors.templateId}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={chosen ?? ''} onChange={(e) => (setLaunch({ templateId: e.target.value }), setProject(undefined))}>
              {templates.map((x) => (
                <option key={x.template.id} value={x.template.id}>
                  {x.template.name}
                  {x.builtIn ? ` (${t('templates.builtIn')})` : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
        {chosen && <Summary templateId={chosen} />}
        <Field label={t('launch.jobName')} hint={t('launch.jobNameHint')} error={errors.name}>
          {(id, d) => <input id={id} aria-describedby={d} value={name} placeholder={template?.jobName} onChange={(e) => setName(e.target.value)} />}
        </Field>
        {template?.parameters.map((p) => (
          <Field key={p.name} label={p.label || p.name} error={errors.values}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                value={values[p.name] ?? p.default ?? ''}
                onChange={(e) => setValues((v) => ({ ...v, [p.name]: e.target.value }))}
              />
            )}
          </Field>
        ))}
        <ProjectField
          value={project === undefined ? template?.projectId : (project ?? undefined)}
          onChange={(v) => setProject(v ?? null)}
          error={errors.projectId}
        />
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
