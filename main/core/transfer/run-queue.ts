// The items waiting for a file slot, kept in the order they start: priority (high first), then
// age. A binary search keeps 10,000 enqueues cheap.
import type { LiveItem } from './item';

export class RunQueue {
  private readonly items: LiveItem[] = [];

  get length(): number {
    return this.items.length;
  }

  peek(): LiveItem | undefined {
    return this.items[0];
  }

  shift(): LiveItem | undefined {
    return this.items.shift();
  }

  add(it: LiveItem): void {
    const key = (x: LiveItem): [number, number] => [-x.row.priority, x.row.seq];
    const [p, s] = key(it);
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const [mp, ms] = key(this.items[mid] as LiveItem);
      if (mp < p || (mp === p && ms < s)) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, it);
  }

  remove(it: LiveItem): void {
    const i = this.items.indexOf(it);
    if (i >= 0) this.items.splice(i, 1);
  }
}
