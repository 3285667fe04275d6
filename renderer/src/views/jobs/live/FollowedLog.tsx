import { useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FollowState } from './follow';

/** The followed file's newest lines; keeps to the end unless the person scrolled up to read. */
export function FollowedLog({ path, state }: { path: string; state: FollowState }) {
  const { t } = useTranslation();
  const pre = useRef<HTMLPreElement>(null);
  const [atEnd, setAtEnd] = useState(true);

  useLayoutEffect(() => {
    const el = pre.current;
    if (el && atEnd) el.scrollTop = el.scrollHeight;
  }, [state.version, atEnd]);

  const onScroll = () => {
    const el = pre.current;
    if (el) setAtEnd(el.scrollTop + el.clientHeight >= el.scrollHeight - 8);
  };
  const jump = () => {
    const el = pre.current;
    if (el) el.scrollTop = el.scrollHeight;
    setAtEnd(true);
  };

  return (
    <div className="followed-log">
      <p className="muted follow-status" data-testid="follow-status">
        {state.final ? t('live.ended', { count: state.total }) : t('live.following', { count: state.total })}
        {state.restarted && <span className="tag tag-warn">{t('live.restarted')}</span>}
      </p>
      {state.note && <p className="muted">{state.note}</p>}
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      <pre ref={pre} className="log" tabIndex={0} aria-label={t('live.logLabel', { path })} data-testid="live-log" data-lines={state.total} onScroll={onScroll}>
        {state.lines.join('\n')}
      </pre>
      {!atEnd && (
        <button type="button" className="small jump-end" onClick={jump}>
          {t('live.jumpToEnd')}
        </button>
      )}
    </div>
  );
}
