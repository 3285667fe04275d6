// Where dropped files go. In a browser (the web host) their bytes are staged over HTTP; in
// Electron a path source (the preload's webUtils.getPathForFile, when exposed) turns them
// into local paths for transfers.upload, with no copy.
import i18next from 'i18next';
import { transferActions } from '../stores/transfers';
import type { DropContents } from './drop';
import { stageAndUpload } from './staging';

/** Maps a dropped File to its local path, or null when it cannot. */
export type PathSource = (file: File) => string | null;

interface PreloadFiles {
  courierFiles?: { getPathForFile?: (file: File) => string };
}

function detectPathSource(): PathSource | null {
  const exposed = (window as unknown as PreloadFiles).courierFiles?.getPathForFile;
  if (!window.courier || !exposed) return null;
  return (f) => exposed(f) || null;
}

/** Uploads what a drop carried: by path where the shell knows paths, by staging otherwise. */
export async function uploadDrop(drop: DropContents): Promise<void> {
  const source = detectPathSource();
  if (source) {
    const paths = drop.topLevel.map(source);
    if (paths.length > 0 && paths.every((p): p is string => !!p)) {
      await transferActions.upload(paths);
      return;
    }
  }
  // Electron serves the app from app://, which has no staging endpoint: without paths, say so.
  if (window.courier) throw new Error(i18next.t('staging.noPaths'));
  await stageAndUpload(await drop.read());
}
