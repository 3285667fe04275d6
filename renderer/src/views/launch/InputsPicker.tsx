import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { InputFilesPicker } from '../../components/LocalPicker';
import { dedupe, inputLabel, type ChosenInput } from '../../stores/launch';
import { useNavigation } from '../../stores/navigation';
import { ChosenFiles, type ChosenFile } from '../../components/ChosenFiles';
import { ArchiveNote, LooseFilesNote } from './ArchiveNote';
import { FileIdInput } from './FileIdInput';

const asChosenFile = (i: ChosenInput): ChosenFile => ({
  key: i.kind === 'local' ? i.path : i.fileId,
  label: inputLabel(i),
  local: i.kind === 'local',
  title: i.kind === 'local' ? i.path : i.fileId,
});

/** The files a launch takes: local ones (picked), and files already on Rescale (by id, or from Files). */
export function InputsPicker({
  inputs,
  onChange,
  error,
  onBrowseFiles,
}: {
  inputs: ChosenInput[];
  onChange: (next: ChosenInput[]) => void;
  error?: string | undefined;
  onBrowseFiles: () => void;
}) {
  const { t } = useTranslation();
  const [picking, setPicking] = useState(false);
  const go = useNavigation((s) => s.go);
  const add = (more: ChosenInput[]) => onChange(dedupe([...inputs, ...more]));

  return (
    <fieldset className={`inputs-picker${error ? ' field-invalid' : ''}`} aria-describedby={error ? 'launch-inputs-err' : undefined}>
      <legend>{t('launch.inputs')}</legend>
      {inputs.length === 0 ? (
        <p className="muted">{t('launch.noInputs')}</p>
      ) : (
        <ChosenFiles files={inputs.map(asChosenFile)} onRemove={(n) => onChange(inputs.filter((_, k) => k !== n))} />
      )}
      {inputs.map((i) => (i.kind === 'local' && i.isDir ? <ArchiveNote key={i.path} path={i.path} name={i.name} /> : null))}
      <LooseFilesNote names={inputs.flatMap((i) => (i.kind === 'local' && !i.isDir ? [i.name] : []))} />
      <div className="actions">
        <button type="button" onClick={() => setPicking(true)}>
          {t('launch.addLocal')}
        </button>
        <button type="button" onClick={() => (onBrowseFiles(), go('files'))}>
          {t('launch.fromFiles')}
        </button>
      </div>
      <FileIdInput onAdd={(fileId) => add([{ kind: 'file', fileId }])} />
      {error && (
        <small id="launch-inputs-err" className="error" role="alert">
          {error}
        </small>
      )}
      {picking && (
        <InputFilesPicker
          onClose={() => setPicking(false)}
          onChoose={(chosen) => add(chosen.map((c): ChosenInput => ({ kind: 'local', path: c.path, name: c.name, isDir: c.isDir })))}
        />
      )}
    </fieldset>
  );
}
