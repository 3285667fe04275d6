export const en = {
  app: { title: 'Courier', offline: 'Offline: Rescale cannot be reached. Queued work will go out when the connection returns.', disconnected: 'Reconnecting to Courier…' },
  nav: { transfers: 'Transfers', jobs: 'Jobs', templates: 'Templates', files: 'Files', settings: 'Settings', activity: 'Activity' },
  transfers: { empty: 'No transfers yet. Drop files or folders here, or choose them to upload.' },
  jobs: { empty: 'No jobs yet. Launch one from a template.' },
  templates: { empty: 'No templates yet.' },
  files: { empty: 'Sign in to browse your Rescale files.' },
  settings: { title: 'Settings' },
  activity: { empty: 'Nothing has happened yet.', export: 'Export', all: 'All', level: 'Level' },
};
export type Messages = typeof en;
