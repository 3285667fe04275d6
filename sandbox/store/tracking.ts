// Change tracking for the sandbox state, so a commit writes only the entries that changed
// (an append to a log) instead of the whole state. Written by hand: what is needed is a
// dirty set keyed by (collection, id), which immutable/patch libraries (immer and the like)
// do not give without changing every call site into a producer function.
//
// Every read through the tracked view returns a proxy that remembers which top-level entry it
// belongs to; any write or delete below it marks that entry dirty. Collections are the keys
// listed in `collections`; every other top-level key is part of the small "root" record.

export type EntryKey = `${string}\u0000${string}`;
export const ROOT = 'root';

export function entryKey(collection: string, id: string): EntryKey {
  return `${collection}\u0000${id}`;
}

const RAW = Symbol('raw');

function unwrap<T>(v: T): T {
  return (v !== null && typeof v === 'object' && (v as { [RAW]?: T })[RAW]) || v;
}

export function tracked<T extends object>(raw: T, collections: ReadonlySet<string>, dirty: Set<EntryKey>): T {
  const cache = new WeakMap<object, object>();
  const wrap = (v: unknown, owner: EntryKey): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const hit = cache.get(v);
    if (hit) return hit;
    const p = new Proxy(v, {
      get: (t, k) => (k === RAW ? t : wrap(Reflect.get(t, k), owner)),
      set: (t, k, val) => {
        dirty.add(owner);
        return Reflect.set(t, k, unwrap(val));
      },
      deleteProperty: (t, k) => {
        dirty.add(owner);
        return Reflect.deleteProperty(t, k);
      },
    });
    cache.set(v, p);
    return p;
  };
  const collection = (name: string, obj: Record<string, unknown>): object =>
    new Proxy(obj, {
      get: (t, k) => (k === RAW ? t : typeof k === 'string' ? wrap(t[k], entryKey(name, k)) : Reflect.get(t, k)),
      set: (t, k, val) => {
        if (typeof k === 'string') dirty.add(entryKey(name, k));
        return Reflect.set(t, k, unwrap(val));
      },
      deleteProperty: (t, k) => {
        if (typeof k === 'string') dirty.add(entryKey(name, k));
        return Reflect.deleteProperty(t, k);
      },
    });
  const collectionViews = new Map<string, object>();
  return new Proxy(raw, {
    get: (t, k) => {
      if (k === RAW) return t;
      if (typeof k === 'string' && collections.has(k)) {
        let view = collectionViews.get(k);
        if (!view) collectionViews.set(k, (view = collection(k, Reflect.get(t, k) as Record<string, unknown>)));
        return view;
      }
      return wrap(Reflect.get(t, k), entryKey(ROOT, ROOT));
    },
    set: (t, k, val) => {
      if (typeof k === 'string' && collections.has(k)) throw new Error(`replace entries of ${k}, not the whole collection`);
      dirty.add(entryKey(ROOT, ROOT));
      return Reflect.set(t, k, unwrap(val));
    },
  });
}
