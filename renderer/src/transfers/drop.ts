// Reading what was dropped on the window: files and whole folders, with each file's path
// relative to the drop (so a folder keeps its structure on Rescale).

export interface DroppedFile {
  file: File;
  /** e.g. "run/inputs/a.dat" for a file inside a dropped folder "run"; just the name otherwise. */
  relativePath: string;
}

/** What a drop carried, read synchronously (the DataTransfer is emptied after the event). */
export interface DropContents {
  /** Top-level files and folders as File objects (an IPC path source maps them to paths). */
  topLevel: File[];
  /** The file tree, read asynchronously from the entries (or from the files when there are none). */
  read(): Promise<DroppedFile[]>;
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns at most ~100 entries per call: keep asking until it returns none.
  return new Promise((resolve, reject) => {
    const out: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(out);
        out.push(...batch);
        next();
      }, reject);
    next();
  });
}

const isFile = (e: FileSystemEntry): e is FileSystemFileEntry => e.isFile;
const isDir = (e: FileSystemEntry): e is FileSystemDirectoryEntry => e.isDirectory;

async function walk(entry: FileSystemEntry, prefix: string, out: DroppedFile[]): Promise<void> {
  const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (isFile(entry)) {
    const file = await new Promise<File>((resolve, reject) => entry.file(resolve, reject));
    out.push({ file, relativePath: rel });
  } else if (isDir(entry)) {
    for (const child of await readAll(entry.createReader())) await walk(child, rel, out);
  }
}

/** The path a File says it has inside a dropped or picked folder (webkitRelativePath), else its name. */
export function relativePathOf(file: File): string {
  const rel = file.webkitRelativePath;
  return rel && rel.length > 0 ? rel.replace(/^\/+/, '') : file.name;
}

export function readDrop(dt: DataTransfer): DropContents {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(dt.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry) entries.push(entry);
  }
  const files = Array.from(dt.files);
  return {
    topLevel: files,
    async read() {
      // Entries know folders; some sources (a folder input, synthetic drops) give files that
      // already carry their relative paths, or no entries at all.
      const carriesPaths = files.some((f) => f.webkitRelativePath.includes('/'));
      const usable = !carriesPaths && entries.length === files.length && entries.length > 0;
      if (!usable) return files.map((file) => ({ file, relativePath: relativePathOf(file) }));
      const out: DroppedFile[] = [];
      for (const e of entries) await walk(e, '', out);
      return out;
    },
  };
}

/** True while a drag carries files (not text or links dragged inside the page). */
export function carriesFiles(dt: DataTransfer | null): boolean {
  return !!dt && Array.from(dt.types).includes('Files');
}
