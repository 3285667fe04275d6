// The launch dialog's form state and its submit: kept out of the dialog so the dialog is markup.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { refreshJobs } from '../../stores/jobs';
import { closeLaunch, type ChosenInput } from '../../stores/launch';
import { useNavigation } from '../../stores/navigation';
import { askNotificationPermission } from '../../stores/notifications';
import { loadCatalog, refreshTemplates } from '../../stores/templates';
import { toast } from '../../stores/toasts';
import { launchErrors, toLaunch } from './launch-form';

export function useLaunchForm(open: boolean) {
  const { t } = useTranslation();
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

  const setValue = (param: string, value: string) => setValues((v) => ({ ...v, [param]: value }));

  const launch = async (e: FormEvent, chosen: string | undefined, inputs: ChosenInput[]) => {
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

  return { name, setName, values, setValue, project, setProject, errors, busy, launch };
}
