import { useTranslation } from 'react-i18next';
import type { JobTemplate } from '../../../../shared/jobs';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { closeLaunch, setLaunch, useLaunch } from '../../stores/launch';
import { useTemplates } from '../../stores/templates';
import { Estimate } from './Estimate';
import { LaunchFacts } from './LaunchFacts';
import { LaunchFooter, LaunchFormEnd } from './launch-form';
import { TemplateField } from './TemplateField';
import { useLaunchForm } from './useLaunchForm';
import { RerunDialog } from '../records/RerunDialog';
import { ProjectField } from '../records/ProjectField';

function Summary({ templateId }: { templateId: string }) {
  const { t } = useTranslation();
  const entry = useTemplates((s) => s.templates.find((x) => x.template.id === templateId));
  if (!entry) return null;
  const tp = entry.template;
  return (
    <LaunchFacts
      analysis={tp.analysis}
      hardware={tp.hardware}
      command={tp.command}
      commandLabelId="launch-command-label"
      hints
      issues={entry.issues}
      beforeCommand={<Estimate template={tp} />}
    >
      <dt>{t('launch.outputs')}</dt>
      <dd data-testid="launch-outputs">
        {tp.outputs.autoDownload && tp.outputs.filters.length
          ? t('launch.outputsFiltered', { filters: tp.outputs.filters.join(', ') })
          : t('launch.outputsManual')}
      </dd>
    </LaunchFacts>
  );
}

/** One field per template parameter, prefilled with its default. */
function ParameterFields({
  template,
  values,
  error,
  onChange,
}: {
  template: JobTemplate | undefined;
  values: Record<string, string>;
  error: string | undefined;
  onChange: (param: string, value: string) => void;
}) {
  return template?.parameters.map((p) => (
    <Field key={p.name} label={p.label || p.name} error={error}>
      {(id, d) => <input id={id} aria-describedby={d} value={values[p.name] ?? p.default ?? ''} onChange={(e) => onChange(p.name, e.target.value)} />}
    </Field>
  ));
}

/** Template → job in two clicks: pick (or keep) the template, add inputs if it takes any, Launch. */
export function LaunchDialog() {
  const { t } = useTranslation();
  const { open, templateId, inputs, fromJob } = useLaunch();
  const templates = useTemplates((s) => s.templates);
  const form = useLaunchForm(open);
  const { errors } = form;

  if (!open) return null;
  if (fromJob) return <RerunDialog jobId={fromJob} inputs={inputs} />;
  const chosen = templateId ?? templates[0]?.template.id;
  const template = templates.find((x) => x.template.id === chosen)?.template;

  return (
    <Modal title={t('launch.title')} onClose={closeLaunch} wide footer={<LaunchFooter form="launch-form" busy={form.busy} ready={Boolean(chosen)} />}>
      <form id="launch-form" className="form" onSubmit={(e) => void form.launch(e, chosen, inputs)}>
        <TemplateField
          templates={templates}
          value={chosen}
          error={errors.templateId}
          onChange={(id) => (setLaunch({ templateId: id }), form.setProject(undefined))}
        />
        {chosen && <Summary templateId={chosen} />}
        <Field label={t('launch.jobName')} hint={t('launch.jobNameHint')} error={errors.name}>
          {(id, d) => <input id={id} aria-describedby={d} value={form.name} placeholder={template?.jobName} onChange={(e) => form.setName(e.target.value)} />}
        </Field>
        <ParameterFields template={template} values={form.values} error={errors.values} onChange={form.setValue} />
        <ProjectField
          value={form.project === undefined ? template?.projectId : (form.project ?? undefined)}
          onChange={(v) => form.setProject(v ?? null)}
          error={errors.projectId}
        />
        <LaunchFormEnd inputs={inputs} errors={errors} />
      </form>
    </Modal>
  );
}
