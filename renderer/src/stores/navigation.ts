import { create } from 'zustand';

export const views = ['transfers', 'jobs', 'sweeps', 'templates', 'files', 'settings', 'activity'] as const;
export type View = (typeof views)[number];

function fromHash(): View {
  const name = location.hash.replace(/^#\/?/, '').split('/')[0];
  return (views as readonly string[]).includes(name ?? '') ? (name as View) : 'transfers';
}

interface NavState {
  view: View;
  /** e.g. the job id for #/jobs/ABC */
  detail?: string;
  go(view: View, detail?: string): void;
}

/** Hash-based navigation: works the same under app:// and http://, and deep links (notifications) are plain URLs. */
export const useNavigation = create<NavState>((set) => ({
  view: fromHash(),
  detail: location.hash.split('/')[2],
  go(view, detail) {
    const hash = `#/${view}${detail ? `/${encodeURIComponent(detail)}` : ''}`;
    if (location.hash !== hash) history.pushState(null, '', hash);
    set({ view, detail });
  },
}));

window.addEventListener('popstate', () => {
  useNavigation.setState({ view: fromHash(), detail: location.hash.split('/')[2] });
});
