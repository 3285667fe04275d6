import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigation } from '../../stores/navigation';
import { loadCatalog, refreshTemplates, useTemplates } from '../../stores/templates';
import { TemplateEditor } from './TemplateEditor';
import { TemplateList } from './TemplateList';
import { TemplatesToolbar } from './TemplatesToolbar';
import { blankDraft, draftOf } from './useTemplateForm';

/** The templates (loaded on opening), the one the address selects, and the two filtered lists. */
function useTemplateLists(filter: string) {
  const { templates, loaded, error } = useTemplates();
  const detail = useNavigation((s) => s.detail);
  useEffect(() => {
    void refreshTemplates();
    void loadCatalog();
  }, []);
  const selectedId = detail ? decodeURIComponent(detail) : undefined;
  const selected = templates.find((x) => x.template.id === selectedId) ?? null;
  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return q ? templates.filter((x) => x.template.name.toLowerCase().includes(q)) : templates;
  }, [templates, filter]);
  return { loaded, error, detail, selectedId, selected, saved: shown.filter((x) => !x.builtIn), presets: shown.filter((x) => x.builtIn) };
}

/** Saved templates and the built-in GPU presets; the selected one opens in the editor. */
export function TemplatesView() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const { loaded, error, detail, selectedId, selected, saved, presets } = useTemplateLists(filter);
  return (
    <section className="view templates-view" aria-labelledby="templates-title">
      <header className="view-header">
        <h1 id="templates-title">{t('nav.templates')}</h1>
        <TemplatesToolbar />
      </header>
      {error && (
        <p className="banner banner-err" role="alert">
          {error}
        </p>
      )}
      <div className={`master-detail${detail ? ' has-detail' : ''}`}>
        <div className="master">
          <input
            type="search"
            aria-label={t('templates.search')}
            placeholder={t('templates.search')}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          {!loaded ? (
            <p className="muted">{t('common.loading')}</p>
          ) : (
            <>
              <TemplateList title={t('templates.saved')} items={saved} hid="saved-h" selectedId={selectedId} />
              <TemplateList title={t('templates.presets')} items={presets} hid="presets-h" selectedId={selectedId} />
            </>
          )}
        </div>
        {detail === 'new' && <TemplateEditor key="new" entry={null} initial={blankDraft()} />}
        {selected && <TemplateEditor key={selected.template.id} entry={selected} initial={draftOf(selected.template)} />}
      </div>
    </section>
  );
}
