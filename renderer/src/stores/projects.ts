import { create } from 'zustand';
import { api } from '../api/client';

interface ProjectsState {
  /** null until asked; `available: false` = type a project id instead of picking one. */
  loaded: boolean;
  available: boolean;
  projects: { id: string; name: string }[];
}

/** The account's projects, asked once per session (a form re-asks on demand). */
export const useProjects = create<ProjectsState>(() => ({ loaded: false, available: false, projects: [] }));

let inFlight: Promise<void> | null = null;

export function loadProjects(force = false): Promise<void> {
  if (inFlight) return inFlight;
  if (useProjects.getState().loaded && !force) return Promise.resolve();
  inFlight = api.jobs
    .projects({})
    .then((r) => useProjects.setState({ loaded: true, available: r.available, projects: r.projects }))
    // Offline or signed out: free text, like a platform without projects.
    .catch(() => useProjects.setState({ loaded: true, available: false, projects: [] }))
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}
