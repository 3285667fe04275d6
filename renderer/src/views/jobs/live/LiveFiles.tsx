import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { formatBytes, messageOf } from '../../../lib/format';
import { toast } from '../../../stores/toasts';
import { LiveFollow } from './follow';
import { RefreshCard } from '../RefreshCard';
import { FollowedLog } from './FollowedLog';
import { MetricsPanel } from './MetricsPanel';
import { buildTree, isTextLike, type LiveEntry, type TreeNode } from './tree';

interface Listing {
  available: boolean;
  entries: LiveEntry[];
  note?: string | undefined;
}

// The working directory changes slowly; every 15 s keeps well inside the jobs rate budget.
const LIST_EVERY_MS = 15_000;

/** The listing, asked again on demand and every 15 s while the job runs and the page is shown. */
function useListing(jobId: string, running: boolean) {
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState('');
  const [nonce, setNonce] = useState(0);
  const [loaded, setLoaded] = useState(-1);
  useEffect(() => {
    let current = true;
    api.jobs.liveFiles({ jobId }).then(
      (r) => current && (setListing(r), setError(''), setLoaded(nonce)),
      (e: unknown) => current && (setError(messageOf(e)), setLoaded(nonce)),
    );
    return () => {
      current = false;
    };
  }, [jobId, nonce]);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (!document.hidden) setNonce((n) => n + 1);
    }, LIST_EVERY_MS);
    return () => clearInterval(timer);
  }, [running]);
  return { listing, error, busy: loaded !== nonce, refresh: () => setNonce((n) => n + 1) };
}

async function download(jobId: string, paths: string[] | undefined, title: (n: number) => string) {
  try {
    const r = await api.jobs.liveDownload(paths ? { jobId, paths } : { jobId });
    toast({ level: 'info', title: title(r.files.length), body: r.dir, path: r.dir });
  } catch (e) {
    toast({ level: 'error', title: messageOf(e) });
  }
}

function Tree({
  nodes,
  followed,
  onFollow,
  onDownload,
}: {
  nodes: TreeNode[];
  followed: string;
  onFollow: (p: string) => void;
  onDownload: (p: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <ul className="live-tree">
      {nodes.map((n) =>
        n.entry ? (
          <li key={n.path} className={n.path === followed ? 'followed' : undefined}>
            <span className="live-name">{n.name}</span> <span className="muted">{n.entry.size === null ? '' : formatBytes(n.entry.size)}</span>
            {isTextLike(n.path) && (
              <button
                type="button"
                className="small"
                aria-label={t('live.followOne', { path: n.path })}
                disabled={n.path === followed}
                onClick={() => onFollow(n.path)}
              >
                {t('live.follow')}
              </button>
            )}
            <button type="button" className="small" aria-label={t('live.downloadOne', { path: n.path })} onClick={() => onDownload(n.path)}>
              {t('live.download')}
            </button>
          </li>
        ) : (
          <li key={n.path}>
            <details open>
              <summary>{n.name}/</summary>
              <Tree nodes={n.children} followed={followed} onFollow={onFollow} onDownload={onDownload} />
            </details>
          </li>
        ),
      )}
    </ul>
  );
}

/** One followed file: its lines and, beside them, the plot of the numbers in them. */
function Followed({ jobId, path }: { jobId: string; path: string }) {
  const { t } = useTranslation();
  const [follow] = useState(
    () =>
      new LiveFollow(
        jobId,
        path,
        (input) => api.jobs.liveTail(input),
        3000,
        'auto',
        () => !document.hidden,
      ),
  );
  const state = useSyncExternalStore(follow.subscribe, follow.getSnapshot);
  useEffect(() => {
    follow.start();
    return () => follow.stop();
  }, [follow]);
  return (
    <section className="followed" aria-label={t('live.followedLabel', { path })}>
      <h3>{path}</h3>
      <div className="followed-grid">
        <FollowedLog path={path} state={state} />
        <MetricsPanel follow={follow} state={state} />
      </div>
    </section>
  );
}

/** A running job's working directory: the files as a tree, one followed as it grows, downloads. */
export function LiveFiles({ jobId, running }: { jobId: string; running: boolean }) {
  const { t } = useTranslation();
  const { listing, error, busy, refresh } = useListing(jobId, running);
  const [followed, setFollowed] = useState('process_output.log');
  const nodes = buildTree(listing?.entries ?? []);
  const title = (n: number) => t('jobs.downloading', { count: n });
  return (
    <RefreshCard
      className="live-files"
      titleId="live-h"
      title={t('live.title')}
      live={running}
      busy={busy}
      onRefresh={refresh}
      error={error}
      actions={
        <button type="button" disabled={!listing?.available || nodes.length === 0} onClick={() => void download(jobId, undefined, title)}>
          {t('live.downloadAll')}
        </button>
      }
    >
      {listing && !listing.available && <p className="muted">{listing.note ?? t('live.none')}</p>}
      {listing?.available && nodes.length > 0 && (
        <Tree nodes={nodes} followed={followed} onFollow={setFollowed} onDownload={(p) => void download(jobId, [p], title)} />
      )}
      <Followed key={`${jobId}|${followed}`} jobId={jobId} path={followed} />
    </RefreshCard>
  );
}
