export interface LiveEntry {
  path: string;
  size: number | null;
  modifiedAt: string | null;
}

export interface TreeNode {
  name: string;
  /** The path relative to the working directory (what liveTail and liveDownload take). */
  path: string;
  /** A file's entry; undefined for a folder. */
  entry?: LiveEntry;
  children: TreeNode[];
}

/** The working directory's flat listing as a tree: folders first, then files, each by name. */
export function buildTree(entries: readonly LiveEntry[]): TreeNode[] {
  const root: TreeNode = { name: '', path: '', children: [] };
  for (const entry of entries) {
    const parts = entry.path.split('/').filter(Boolean);
    let node = root;
    parts.forEach((name, i) => {
      const path = parts.slice(0, i + 1).join('/');
      const last = i === parts.length - 1;
      let child = node.children.find((c) => c.name === name && (c.entry === undefined) === !last);
      if (!child) {
        child = { name, path, children: [], ...(last ? { entry } : {}) };
        node.children.push(child);
      }
      node = child;
    });
  }
  sortTree(root.children);
  return root.children;
}

function sortTree(nodes: TreeNode[]): void {
  nodes.sort((a, b) => Number(a.entry !== undefined) - Number(b.entry !== undefined) || a.name.localeCompare(b.name));
  for (const n of nodes) sortTree(n.children);
}

// Files a person would follow as text: logs and outputs without a binary extension.
const BINARY = /\.(zip|gz|tgz|tar|bz2|xz|7z|png|jpe?g|gif|pdf|h5|hdf5|npz|npy|pt|pth|ckpt|bin|so|o|exe|model)$/i;
export const isTextLike = (path: string): boolean => !BINARY.test(path);
