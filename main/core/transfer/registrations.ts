// File registrations (POST /api/v3/files/) as their own stream behind the bytes: the platform
// lets about 2 v3 requests a second through, so a folder of small files is stored long before
// it is registered. This module counts them for the progress figures (registered of total,
// waiting, an ETA at the limiter's pace) and answers "is this object already registered?" for
// registrations whose answer was lost, with one folder listing shared by every file that asks.
import { abortable } from '../../../shared/abortable';
import { SpeedMeter } from './progress';
import type { RescaleStorage } from './ports';
import type { RegistrationFigures, TransferState } from './types';

const mono = (): number => performance.now();
const LISTING_KEPT_MS = 60_000;

/**
 * Registered / total / waiting over the upload items counted in the overall numbers. Updated
 * incrementally on every state change, so 10,000 items are never summed ten times a second.
 */
export class RegistrationTally {
  total = 0;
  done = 0;
  /** Bytes stored, registration not yet answered (the item's state is `verifying`). */
  waiting = 0;
  /** Registrations a second as observed, for a storage that does not say its pace. */
  private readonly observed = new SpeedMeter(10_000, 5_000);

  constructor(private readonly pace: () => number | null) {}

  /** An upload item went from `from` (null: newly counted) to `to`. */
  move(from: TransferState | null, to: TransferState | null): void {
    if (from !== null) this.add(from, -1);
    if (to !== null) this.add(to, 1);
  }

  private add(s: TransferState, n: number): void {
    if (s !== 'cancelled') this.total += n;
    if (s === 'done') this.done += n;
    if (s === 'verifying') this.waiting += n;
  }

  sample(t = mono()): void {
    this.observed.sample(this.done, t);
  }

  /**
   * The figures, or undefined when no upload is counted. The ETA is the later of the bytes'
   * ETA and the remaining registrations at the pace the API limiter allows (measured when the
   * storage has no limiter), since neither stream can finish before the other.
   */
  figures(bytesEta: number | null, t = mono()): RegistrationFigures | undefined {
    if (this.total === 0) return undefined;
    const remaining = this.total - this.done;
    const perSecond = this.pace() ?? this.observed.value(t);
    let etaSeconds: number | null;
    if (remaining <= 0) etaSeconds = 0;
    else if (perSecond <= 0) etaSeconds = null;
    else etaSeconds = Math.max(Math.ceil(remaining / perSecond), bytesEta ?? 0);
    return { done: this.done, total: this.total, waiting: this.waiting, perSecond: Math.round(perSecond * 100) / 100, etaSeconds };
  }
}

interface Listing {
  startedAt: number;
  byObjectKey: Promise<Map<string, string>>;
}

/**
 * Looks registrations up by object key (each upload has its own random key, so a match is ours).
 * A listing answers for an attempt only if it started after that attempt ended; attempts of an
 * earlier process ended before any listing of this one. Files of one folder share a listing, so
 * a restart after a crash with 16 registrations in flight lists the folder once, not 16 times.
 */
export class RegistrationLookup {
  private readonly listings = new Map<string, Listing>();
  /** Object key → when our last registration attempt for it ended (monotonic ms). */
  private readonly attempts = new Map<string, number>();

  constructor(private readonly storage: RescaleStorage) {}

  /** A registration attempt for this object ended without an answer we could trust. */
  attemptEnded(objectKey: string): void {
    this.attempts.set(objectKey, mono());
  }

  async find(folderId: string, objectKey: string, signal: AbortSignal): Promise<string | null> {
    const after = this.attempts.get(objectKey) ?? 0;
    let l = this.listings.get(folderId);
    if (!l || l.startedAt <= after) {
      const listing: Listing = {
        startedAt: mono(),
        // Not tied to one caller's signal: others may be waiting on the same listing.
        byObjectKey: this.storage.listFolder(folderId).then((r) => new Map(r.files.map((f) => [f.pathParts.path, f.id]))),
      };
      const forget = (): void => {
        if (this.listings.get(folderId) === listing) this.listings.delete(folderId);
      };
      listing.byObjectKey.catch(forget);
      // Kept a minute for the other files of a restart; a long-running app does not hoard listings.
      setTimeout(forget, LISTING_KEPT_MS).unref();
      this.listings.set(folderId, listing);
      l = listing;
    }
    const found = await abortable(l.byObjectKey, signal);
    const id = found.get(objectKey) ?? null;
    if (id) this.attempts.delete(objectKey);
    return id;
  }
}
