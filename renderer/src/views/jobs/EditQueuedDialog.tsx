import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LaunchInput, OutboxEntry } from '../../../../shared/jobs';
import { api, ApiError } from '../../api/client';
import { Field } from '../../components/Field';
import { InputFilesPicker } from '../../components/LocalPicker';
import { Modal } from '../../components/Modal';
import { messageOf } from '../../lib/format';
import { Icon } from '../../components/Icon';

type Input = OutboxEntry['inputs'][number];

const toLaunch = (i: Input): LaunchInput | null => (i.fileId ? { fileId: i.fileId, name: i.name } : i.path ? { path: i.path } : null);

/** Change a queued submission before it goes out: its name and its inputs. */
export function EditQueuedDialog({ entry, onClose }: { entry: OutboxEntry; onClose: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(entry.jobName);
  const [inputs, setInputs] = useState<Input[]>(entry.inputs);
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<{ field?: string | undefined; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const list = inputs.map(toLaunch).filter((x): x is LaunchInput => x !== null);
      await api.jobs.editQueued({ id: entry.id, name: name.trim(), inputs: list });
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? { field: err.field, message: err.message } : { message: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={t('jobs.editQueuedTitle')}
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="edit-queued" className="primary" disabled={busy}>
            {t('common.save')}
          </button>
        </>
      }
    >
      <form id="edit-queued" className="form" onSubmit={(e) => void save(e)}>
        <Field label={t('launch.jobName')} error={error?.field === 'name' ? error.message : undefined}>
          {(id, d) => <input id={id} aria-describedby={d} value={name} onChange={(e) => setName(e.target.value)} data-autofocus="" />}
        </Field>
        <fieldset>
          <legend>{t('launch.inputs')}</legend>
          <ul className="plain chosen">
            {inputs.map((i, n) => (
              <li key={`${i.path ?? i.fileId}-${n}`}>
                <span>{i.name}</span>
                <button
                  type="button"
                  className="icon"
                  aria-label={t('launch.remove', { name: i.name })}
                  onClick={() => setInputs((l) => l.filter((_, k) => k !== n))}
                >
                  <Icon name="close" />
                </button>
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => setPicking(true)}>
            {t('launch.addLocal')}
          </button>
        </fieldset>
        {error && error.field !== 'name' && (
          <p className="error" role="alert">
            {error.message}
          </p>
        )}
      </form>
      {picking && (
        <InputFilesPicker
          onClose={() => setPicking(false)}
          onChoose={(chosen) => setInputs((l) => [...l, ...chosen.map((c) => ({ name: c.name, path: c.path }))])}
        />
      )}
    </Modal>
  );
}
