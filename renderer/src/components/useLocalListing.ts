// The local picker's folder listing through transfers.browseLocal, and the folder box: it opens
// where the last picker was left, and copes with listings arriving late or out of order.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { messageOf } from '../lib/format';

export interface LocalEntry {
  name: string;
  path: string;
  isDir: boolean;
  size: number;
}

export interface Listing {
  dir: string;
  parent: string | null;
  entries: LocalEntry[];
}

let rememberedDir: string | undefined;

export function useLocalListing() {
  const [listing, setListing] = useState<Listing | null>(null);
  const [path, setPath] = useState('');
  const [error, setError] = useState('');

  // Listings can arrive out of order (a large home folder is slow): only the latest request
  // counts, and a folder being typed is not overwritten by the first listing arriving late.
  const latest = useRef(0);
  const typed = useRef(false);

  const open = useCallback(async (dir?: string) => {
    const request = ++latest.current;
    setError('');
    try {
      const r = await api.transfers.browseLocal(dir ? { dir } : {});
      if (request !== latest.current) return;
      setListing(r);
      setPath(r.dir);
      rememberedDir = r.dir;
    } catch (e) {
      if (request === latest.current) setError(messageOf(e));
    }
  }, []);

  useEffect(() => {
    const requests = latest;
    const request = ++requests.current;
    api.transfers.browseLocal(rememberedDir ? { dir: rememberedDir } : {}).then(
      (r) => {
        if (request !== requests.current) return;
        setListing(r);
        if (!typed.current) setPath(r.dir);
      },
      (e: unknown) => {
        rememberedDir = undefined; // it may be gone: start from home next time
        if (request === requests.current) setError(messageOf(e));
      },
    );
    return () => {
      requests.current++; // closed: late answers change nothing
    };
  }, []);

  const typePath = (p: string) => ((typed.current = true), setPath(p));
  return { listing, path, typePath, error, open };
}

/** The entries ticked so far, by path, across folders. */
export function useChosenEntries() {
  const [chosen, setChosen] = useState<Map<string, LocalEntry>>(new Map());
  const toggle = (e: LocalEntry) =>
    setChosen((m) => {
      const next = new Map(m);
      if (next.has(e.path)) next.delete(e.path);
      else next.set(e.path, e);
      return next;
    });
  return { chosen, toggle };
}
