import { create } from 'zustand';

/**
 * An input chosen for a launch: a local file (uploaded first) or a file already on Rescale. A
 * Rescale file's name is known when it was picked in Files (a launch then needs no lookup, even
 * offline); a typed id has none.
 */
export type ChosenInput =
  { kind: 'local'; path: string; name: string; isDir?: boolean | undefined } | { kind: 'file'; fileId: string; name?: string | undefined };

export const inputLabel = (i: ChosenInput): string => (i.kind === 'local' ? i.name : (i.name ?? i.fileId));

interface LaunchState {
  open: boolean;
  /** Set aside while the user picks files in the Files view: what was chosen is kept. */
  parked: boolean;
  templateId: string | undefined;
  inputs: ChosenInput[];
  /** Run this platform job again (from its record) instead of a template. */
  fromJob?: string | undefined;
}

/** The launch dialog is global: Templates, Jobs ("run again") and Files ("use as input") open it. */
export const useLaunch = create<LaunchState>(() => ({ open: false, parked: false, templateId: undefined, inputs: [] }));

export function dedupe(inputs: ChosenInput[]): ChosenInput[] {
  const seen = new Set<string>();
  return inputs.filter((i) => {
    const key = i.kind === 'local' ? `l:${i.path}` : `f:${i.fileId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function openLaunch(o: { templateId?: string | undefined; inputs?: ChosenInput[]; fromJob?: string | undefined } = {}): void {
  useLaunch.setState((s) => {
    const keep = (s.open || s.parked) && !o.fromJob;
    return {
      open: true,
      parked: false,
      templateId: o.templateId ?? (keep ? s.templateId : undefined),
      fromJob: o.fromJob ?? (keep ? s.fromJob : undefined),
      // Files carried from the Files view add to what was already chosen.
      inputs: dedupe([...(keep ? s.inputs : []), ...(o.inputs ?? [])]),
    };
  });
}

export function setLaunch(patch: Partial<Pick<LaunchState, 'templateId' | 'inputs'>>): void {
  useLaunch.setState(patch);
}

/** Hides the dialog while the user picks Rescale files; "Use as job input" brings it back. */
export function parkLaunch(): void {
  useLaunch.setState({ open: false, parked: true });
}

export function closeLaunch(): void {
  useLaunch.setState({ open: false, parked: false, inputs: [], templateId: undefined, fromJob: undefined });
}
