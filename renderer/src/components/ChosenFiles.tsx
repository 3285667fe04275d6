import { useTranslation } from 'react-i18next';
import { Icon } from './Icon';

export interface ChosenFile {
  key: string;
  label: string;
  /** A local file (on this computer) or one already on Rescale. */
  local: boolean;
  title?: string;
}

/** Input files chosen so far (for a launch or a template), each tagged local or on Rescale, with a remove button. */
export function ChosenFiles({ files, onRemove }: { files: ChosenFile[]; onRemove: (index: number) => void }) {
  const { t } = useTranslation();
  return (
    <ul className="plain chosen">
      {files.map((f, n) => (
        <li key={f.key}>
          <span className="tag">{f.local ? t('launch.local') : t('launch.onRescale')}</span> <span title={f.title}>{f.label}</span>
          <button type="button" className="icon" aria-label={t('launch.remove', { name: f.label })} onClick={() => onRemove(n)}>
            <Icon name="close" />
          </button>
        </li>
      ))}
    </ul>
  );
}
