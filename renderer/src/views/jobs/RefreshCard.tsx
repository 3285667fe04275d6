// The card of something read from the platform on demand (the log tail, the live files): its
// title, a "live" tag while it updates by itself, Refresh (off while a read is under way), more
// buttons, and the error of the last read above the content.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface Props {
  className: string;
  titleId: string;
  title: string;
  live: boolean;
  busy: boolean;
  onRefresh: () => void;
  error: string;
  /** Buttons after Refresh. */
  actions?: ReactNode;
  children: ReactNode;
}

export function RefreshCard({ className, titleId, title, live, busy, onRefresh, error, actions, children }: Props) {
  const { t } = useTranslation();
  return (
    <section className={`card ${className}`} aria-labelledby={titleId}>
      <div className="card-title">
        <h2 id={titleId}>{title}</h2>
        {live && <span className="tag">{t('jobs.logLive')}</span>}
        <button type="button" onClick={onRefresh} disabled={busy}>
          {t('common.refresh')}
        </button>
        {actions}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {children}
    </section>
  );
}
