// The Templates view's header buttons: a new template, and importing one from a JSON file.
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { messageOf } from '../../lib/format';
import { useNavigation } from '../../stores/navigation';
import { refreshTemplates } from '../../stores/templates';
import { toast } from '../../stores/toasts';

export function TemplatesToolbar() {
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
