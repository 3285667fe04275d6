// One list of the Templates view (saved, or built-in presets): each entry opens in the editor
// and has its own Launch button.
import { useTranslation } from 'react-i18next';
import type { TemplateEntry } from '../../../../shared/jobs';
import { openLaunch } from '../../stores/launch';
import { useNavigation } from '../../stores/navigation';

function TemplateItem({ x, selected }: { x: TemplateEntry; selected: boolean }) {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  return (
    <li className={selected ? 'selected' : undefined} data-template={x.template.id}>
      <a
        href={`#/templates/${encodeURIComponent(x.template.id)}`}
        aria-current={selected ? 'true' : undefined}
        onClick={(e) => (e.preventDefault(), go('templates', x.template.id))}
      >
        <strong>{x.template.name}</strong>
        <span className="muted">
          {x.template.analysis.code} · {x.template.hardware.coreType}
        </span>
      </a>
      {x.issues.length > 0 && <span className="tag tag-warn">{t('templates.issues', { count: x.issues.length })}</span>}
      <button
        type="button"
        className="primary small"
        onClick={() => openLaunch({ templateId: x.template.id })}
        aria-label={t('templates.launchOne', { name: x.template.name })}
      >
        {t('templates.launch')}
      </button>
    </li>
  );
}

export function TemplateList({ title, items, hid, selectedId }: { title: string; items: TemplateEntry[]; hid: string; selectedId: string | undefined }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby={hid}>
      <h2 id={hid} className="list-title">
        {title}
      </h2>
      {items.length === 0 ? (
        <p className="muted">{t(hid === 'saved-h' ? 'templates.noSaved' : 'templates.empty')}</p>
      ) : (
        <ul className="template-list">
          {items.map((x) => (
            <TemplateItem key={x.template.id} x={x} selected={x.template.id === selectedId} />
          ))}
        </ul>
      )}
    </section>
  );
}
