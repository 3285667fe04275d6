import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { api } from '../../api/client';
import { messageOf } from '../../lib/format';

interface TagFilterState {
  /** The tag in force; null = every job. */
  tag: string | null;
  /** Ids of the recent jobs that carry it. */
  ids: Set<string> | null;
  error: string | null;
}

export const useTagFilter = create<TagFilterState>(() => ({ tag: null, ids: null, error: null }));

/** Filters the jobs list by a tag; the tags are the platform's, read when the filter is applied. */
export function TagFilter() {
  const { t } = useTranslation();
  const { tag } = useTagFilter();
  const [text, setText] = useState(tag ?? '');
  const [busy, setBusy] = useState(false);
  const apply = async (e: React.FormEvent) => {
    e.preventDefault();
    const want = text.trim();
    if (!want) return useTagFilter.setState({ tag: null, ids: null, error: null });
    setBusy(true);
    try {
      const r = await api.jobs.list({ limit: 100, tag: want });
      useTagFilter.setState({ tag: want, ids: new Set(r.jobs.map((j) => j.jobId)), error: null });
    } catch (err) {
      useTagFilter.setState({ tag: want, ids: new Set(), error: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="tag-filter" onSubmit={(e) => void apply(e)} role="search">
      <input
        aria-label={t('records.filterTag')}
        title={t('records.filterTagHint')}
        placeholder={t('records.filterTag')}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" disabled={busy}>
        {t('records.filter')}
      </button>
      {tag && (
        <button
          type="button"
          onClick={() => {
            setText('');
            useTagFilter.setState({ tag: null, ids: null, error: null });
          }}
        >
          {t('records.clearFilter')}
        </button>
      )}
    </form>
  );
}
