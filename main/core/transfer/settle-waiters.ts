// Callers waiting for a set of items to end (whenSettled): indexed by item, so 10,000 items
// settling against one waiter stays linear.
interface Waiter<V> {
  ids: string[];
  pending: Set<string>;
  resolve: (v: V[]) => void;
}

export class SettleWaiters<V> {
  private readonly byItem = new Map<string, Set<Waiter<V>>>();

  constructor(private readonly viewOf: (id: string) => V) {}

  /** Resolves with the views of `ids` once none of them is in `pending` any more. */
  wait(ids: string[], pending: string[]): Promise<V[]> {
    return new Promise((resolve) => {
      const w: Waiter<V> = { ids, pending: new Set(pending), resolve };
      if (w.pending.size === 0) return resolve(ids.map(this.viewOf));
      for (const id of w.pending) {
        let set = this.byItem.get(id);
        if (!set) this.byItem.set(id, (set = new Set()));
        set.add(w);
      }
    });
  }

  /** The item ended: O(waiters of this item). */
  settled(id: string): void {
    const set = this.byItem.get(id);
    if (!set) return;
    this.byItem.delete(id);
    for (const w of set) {
      w.pending.delete(id);
      if (w.pending.size === 0) w.resolve(w.ids.map(this.viewOf));
    }
  }
}
