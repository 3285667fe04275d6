import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { messageOf } from '../../lib/format';
import { openLaunch } from '../../stores/launch';
import { useNavigation } from '../../stores/navigation';
import { loadCatalog, refreshTemplates, useTemplates } from '../../stores/templates';
import { toast } from '../../stores/toasts';
import { TemplateEditor } from './TemplateEditor';
import { blankDraft, draftOf } from './useTemplateForm';

function Toolbar() {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  const file = useRef<HTMLInputElement>(null);
  const importFile = async (f: File) => {
    try {
      const entry = await api.templates.import({ json: await f.text() });
      await refreshTemplates();
      toast({ level: 'ok', title: t('templates.imported', { name: entry.template.name }) });
      go('templates', entry.template.id);
    } catch (e) {
      toast({ level: 'error', title: t('templates.importFailed'), body: messageOf(e) });
    }
  };
  return (
    <>
      <button type="button" onClick={() => go('templates', 'new')}>
        {t('templates.new')}
      </button>
      <button type="button" onClick={() => file.current?.click()}>
        {t('templates.import')}
      </button>
      <input
        ref={file}
        type="file"
        accept=".json,application/json"
        className="sr-only"
        tabIndex={-1}
        aria-label={t('templates.import')}
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void importFile(f);
        }}
      />
    </>
  );
}

/** Saved templates and the built-in GPU presets; the selected one opens in the editor. */
export function TemplatesView() {
  const { t } = useTranslation();
  const { templates, loaded, error } = useTemplates();
  const detail = useNavigation((s) => s.detail);
  const go = useNavigation((s) => s.go);
  const [filter, setFilter] = useState('');
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
  const saved = shown.filter((x) => !x.builtIn);
  const presets = shown.filter((x) => x.builtIn);

  const list = (title: string, items: typeof templates, hid: string) => (
    <section aria-labelledby={hid}>
      <h2 id={hid} className="list-title">
        {title}
      </h2>
      {items.length === 0 ? (
        <p className="muted">{t(hid === 'saved-h' ? 'templates.noSaved' : 'templates.empty')}</p>
      ) : (
        <ul className="template-list">
          {items.map((x) => (
            <li key={x.template.id} className={x.template.id === selectedId ? 'selected' : undefined} data-template={x.template.id}>
              <a
                href={`#/templates/${encodeURIComponent(x.template.id)}`}
                aria-current={x.template.id === selectedId ? 'true' : undefined}
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
          ))}
        </ul>
      )}
    </section>
  );

  return (
    <section className="view templates-view" aria-labelledby="templates-title">
      <header className="view-header">
        <h1 id="templates-title">{t('nav.templates')}</h1>
        <Toolbar />
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
              {list(t('templates.saved'), saved, 'saved-h')}
              {list(t('templates.presets'), presets, 'presets-h')}
            </>
          )}
        </div>
        {detail === 'new' && <TemplateEditor key="new" entry={null} initial={blankDraft()} />}
        {selected && <TemplateEditor key={selected.template.id} entry={selected} initial={draftOf(selected.template)} />}
      </div>
    </section>
  );
}
