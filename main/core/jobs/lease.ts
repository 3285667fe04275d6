// Leases: a row of work is claimed by one process (owner + expiry) inside a transaction, so two
// Courier processes on one data folder never send the same submission. A lease held by a process
// that is gone (same machine, pid no longer alive: a crash or kill -9) is free at once; any other
// lease is free once it expires.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export interface LeaseOwner {
  id: string;
  host: string;
  pid: number;
}

export interface LeaseColumns {
  lease_owner: string | null;
  lease_host: string | null;
  lease_pid: number | null;
  lease_until: number;
}

export function newOwner(): LeaseOwner {
  return { id: randomUUID(), host: hostname(), pid: process.pid };
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function leaseFree(row: LeaseColumns, me: LeaseOwner, now: number): boolean {
  if (!row.lease_owner || row.lease_owner === me.id) return true;
  if (row.lease_until <= now) return true;
  return row.lease_host === me.host && row.lease_pid !== null && row.lease_pid !== me.pid && !pidAlive(row.lease_pid);
}
